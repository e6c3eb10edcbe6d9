import CFFmpeg
import Foundation

/// Initialised libswresample contexts kept for reuse, by conversion. Building a rate converter's
/// filter bank (sines and Bessel functions for every phase) costs more than converting a short
/// file; `swr_init` on a context with the same settings resets all of its state and keeps the bank.
/// Only ``AudioSampleSource`` (measuring, not writing files) takes contexts from here.
final class ResamplerPool: @unchecked Sendable {
    static let shared = ResamplerPool()

    /// Contexts kept per conversion; more are freed.
    private static let perConversion = 4

    private let lock = NSLock()
    private var idle: [String: [OpaquePointer]] = [:]
    private var enabled = true
    private var reused = 0

    /// Off: every context is new and freed after use (for comparing the two in tests).
    var isEnabled: Bool {
        get { lock.withLock { enabled } }
        set { lock.withLock { enabled = newValue } }
    }

    /// How many contexts were handed out again.
    var reuses: Int { lock.withLock { reused } }

    /// A context for this conversion, already initialised again (nil when none is kept).
    func take(_ key: String) -> OpaquePointer? {
        let context: OpaquePointer? = lock.withLock {
            guard enabled, let context = idle[key]?.popLast() else { return nil }
            reused += 1
            return context
        }
        guard let context else { return nil }
        // Clears buffers, converters and the resampler's position; the filter bank stays.
        guard swr_init(context) >= 0 else {
            var owned: OpaquePointer? = context
            swr_free(&owned)
            return nil
        }
        return context
    }

    /// Keeps `context` for the next conversion of the same kind, or frees it.
    func give(_ context: OpaquePointer, _ key: String) {
        let kept = lock.withLock { () -> Bool in
            guard enabled, idle[key, default: []].count < Self.perConversion else { return false }
            idle[key, default: []].append(context)
            return true
        }
        if !kept {
            var owned: OpaquePointer? = context
            swr_free(&owned)
        }
    }

    /// What identifies a conversion: formats, rates and layouts in and out.
    static func key(input: UnsafePointer<AVChannelLayout>, inputFormat: AVSampleFormat, inputRate: Int32,
                    output: UnsafePointer<AVChannelLayout>, outputFormat: AVSampleFormat, outputRate: Int32) -> String? {
        guard let inputLayout = describe(input), let outputLayout = describe(output) else { return nil }
        return "\(inputFormat.rawValue) \(inputRate) \(inputLayout) > \(outputFormat.rawValue) \(outputRate) \(outputLayout)"
    }

    private static func describe(_ layout: UnsafePointer<AVChannelLayout>) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard av_channel_layout_describe(layout, &buffer, buffer.count) >= 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
