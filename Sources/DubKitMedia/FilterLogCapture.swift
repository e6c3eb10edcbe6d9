import CFFmpeg
import Foundation

/// Collects what chosen filter instances write to FFmpeg's log (loudnorm prints its measurement there
/// when its graph is freed). Installed once as FFmpeg's log callback; everything else is dropped, as
/// the library prints nothing of FFmpeg's own.
final class FilterLogCapture: @unchecked Sendable {
    static let shared = FilterLogCapture()

    private let lock = NSLock()
    private var texts: [UInt: String] = [:]

    private init() {
        av_log_set_callback { context, _, format, arguments in
            guard let context, let format, let arguments else { return }
            let key = UInt(bitPattern: context)
            guard FilterLogCapture.shared.isWatching(key) else { return }
            var buffer = [CChar](repeating: 0, count: 4096)
            _ = vsnprintf(&buffer, buffer.count, format, arguments)
            FilterLogCapture.shared.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), to: key)
        }
    }

    /// Starts collecting the log lines of the filter instance at `context`.
    func watch(_ context: UnsafeMutableRawPointer) {
        lock.withLock { texts[UInt(bitPattern: context)] = "" }
    }

    /// Stops collecting for `context` and returns what it wrote.
    func take(_ context: UnsafeMutableRawPointer) -> String {
        lock.withLock { texts.removeValue(forKey: UInt(bitPattern: context)) ?? "" }
    }

    private func isWatching(_ key: UInt) -> Bool {
        lock.withLock { texts[key] != nil }
    }

    private func append(_ text: String, to key: UInt) {
        lock.withLock { texts[key]?.append(text) }
    }
}
