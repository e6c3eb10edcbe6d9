import Foundation

/// Writes mono or interleaved 16-bit PCM WAV from float samples, block by block; the header's sizes
/// are filled in by ``finish()``.
public final class PCMWAVWriter {
    public let url: URL
    public let sampleRate: Int
    public let channels: Int
    private let handle: FileHandle
    private var dataBytes = 0
    private var finished = false

    /// Creates (or truncates) `url`.
    public init(_ url: URL, sampleRate: Int, channels: Int = 1) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw MediaError.unsupportedOutput(path: url.path, reason: "the file cannot be created")
        }
        self.url = url
        self.sampleRate = sampleRate
        self.channels = channels
        handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Self.header(sampleRate: sampleRate, channels: channels, dataBytes: 0))
    }

    deinit { try? handle.close() }

    /// Appends interleaved samples in -1...1 (clamped).
    public func write(_ samples: [Float]) throws {
        try samples.withUnsafeBufferPointer { try write($0) }
    }

    /// Appends interleaved samples in -1...1 (clamped), from a buffer.
    public func write(_ input: UnsafeBufferPointer<Float>) throws {
        var bytes = [UInt8](repeating: 0, count: input.count * 2)
        // Long files pass through here (joined chunks, fitted dubs, levelled exports): one tight loop over raw buffers.
        bytes.withUnsafeMutableBufferPointer { output in
            var index = 0
            while index < input.count {
                // Rounded to nearest (even) by adding and taking away 1.5 * 2^23, without a call to roundf.
                let scaled = max(-32768, min(32767, input[index] * 32768))
                let bits = UInt16(bitPattern: Int16((scaled + 12_582_912) - 12_582_912))
                output[2 * index] = UInt8(truncatingIfNeeded: bits)
                output[2 * index + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                index += 1
            }
        }
        try handle.write(contentsOf: bytes)
        dataBytes += bytes.count
    }

    /// Writes the final sizes and closes the file; returns the duration written in seconds.
    @discardableResult
    public func finish() throws -> Double {
        guard !finished else { return duration }
        finished = true
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: Self.header(sampleRate: sampleRate, channels: channels, dataBytes: dataBytes))
        try handle.close()
        return duration
    }

    /// Seconds written so far.
    public var duration: Double { Double(dataBytes / 2 / channels) / Double(sampleRate) }

    private static func header(sampleRate: Int, channels: Int, dataBytes: Int) -> Data {
        RawAudioWAV.header(encoding: .s16le, sampleRate: sampleRate, channels: channels, dataBytes: UInt32(clamping: dataBytes))
    }
}
