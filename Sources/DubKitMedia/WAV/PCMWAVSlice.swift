import Foundation

/// A stretch of a 16-bit PCM WAV written out as a WAV of its own, byte for byte and without
/// decoding: for cutting stored audio into chunks. Memory stays at one 1 MiB piece whatever the length.
public enum PCMWAVSlice {
    /// Writes the sample frames `frames` of `wav` (clamped to what it holds) as a complete WAV through
    /// `sink`, header first; answers the number of frames written.
    @discardableResult
    public static func write(_ wav: URL, frames: Range<Int64>,
                             to sink: (ArraySlice<UInt8>) throws -> Void) throws -> Int64 {
        let layout = try RawAudioWAV.layout(of: wav)
        guard layout.formatTag == 1, layout.bitsPerSample == 16, layout.channels > 0 else {
            throw MediaError.unsupportedOutput(path: wav.path, reason: "only 16-bit PCM WAV is cut without decoding")
        }
        let frameBytes = Int64(layout.channels * 2)
        let available = layout.dataBytes / frameBytes
        let first = min(max(frames.lowerBound, 0), available)
        let last = min(max(frames.upperBound, first), available)
        let byteCount = (last - first) * frameBytes
        let header = RawAudioWAV.header(encoding: .s16le, sampleRate: layout.sampleRate, channels: layout.channels,
                                        dataBytes: UInt32(clamping: byteCount))
        try sink(ArraySlice(header))
        guard let input = try? FileHandle(forReadingFrom: wav) else { throw MediaError.fileMissing(path: wav.path) }
        defer { try? input.close() }
        try input.seek(toOffset: UInt64(layout.dataOffset + first * frameBytes))
        var left = byteCount
        while left > 0 {
            guard let piece = try input.read(upToCount: Int(min(left, 1 << 20))), !piece.isEmpty else {
                throw MediaError.corrupt(path: wav.path, detail: "the data chunk ends \(left) bytes early")
            }
            try sink(ArraySlice(piece))
            left -= Int64(piece.count)
        }
        return last - first
    }
}
