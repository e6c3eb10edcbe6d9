import CFFmpeg
import Foundation

/// The first audio stream of any media file as blocks of planar float samples, at its own rate and
/// channel count (or a chosen rate): for measuring audio without writing it anywhere.
public final class AudioSampleReader {
    /// Samples per second of what ``read(maximum:)`` returns.
    public let sampleRate: Int
    /// Channels of what ``read(maximum:)`` returns (surround is kept, up to 8).
    public let channels: Int
    private let source: AudioSampleSource
    private let frame: MediaFrame
    private var layout = AVChannelLayout()
    private let capacity: Int32 = 4096

    /// Opens `url`'s first audio stream. With `plainPCM`, a PCM WAV is taken as plain PCM, without
    /// looking for a DTS or AC-3 stream hidden in it: a 16-bit one is read straight from its data
    /// chunk (the samples FFmpeg decodes from it), others after one look rather than eight. For the
    /// store's own audio, where those looks (each one every demuxer's probe) cost more than
    /// decoding a short file.
    public init(_ url: URL, sampleRate: Int? = nil, plainPCM: Bool = false) throws {
        source = try AudioSampleSource(url, wavProbePackets: plainPCM ? 1 : MediaInput.wavProbePackets, plainPCM: plainPCM)
        let rate = Int32(sampleRate ?? Int(source.sourceRate))
        guard (1_000...384_000).contains(rate) else {
            throw MediaError.unsupportedOutput(path: url.path, reason: "sample rate \(rate) Hz is out of range")
        }
        cff_default_layout(&layout, min(source.sourceChannels, 8))
        try source.configure(sampleRate: rate, layout: &layout)
        frame = try MediaFrame(path: url.path, capacity: capacity, format: AV_SAMPLE_FMT_FLTP, layout: &layout, sampleRate: rate)
        self.sampleRate = Int(rate)
        channels = Int(layout.nb_channels)
    }

    deinit {
        av_channel_layout_uninit(&layout)
    }

    /// The next block, one array per channel, up to 4096 samples each; empty arrays at the end.
    public func read() throws -> [[Float]] {
        if source.isExhausted { return Array(repeating: [], count: channels) }
        let count = Int(try source.read(into: frame, maximum: capacity))
        return (0..<channels).map { channel in
            guard count > 0, let plane = frame.pointer.pointee.extended_data[channel] else { return [] }
            return plane.withMemoryRebound(to: Float.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
        }
    }

    /// The next block handed to `body` as one pointer per channel and the samples in each (valid
    /// only inside `body`, no copy made); returns that count, 0 at the end (`body` is then not called).
    @discardableResult
    func readBlock(_ body: ([UnsafePointer<Float>], Int) throws -> Void) throws -> Int {
        if source.isExhausted { return 0 }
        let count = Int(try source.read(into: frame, maximum: capacity))
        guard count > 0 else { return 0 }
        let planes = try (0..<channels).map { channel -> UnsafePointer<Float> in
            guard let plane = frame.pointer.pointee.extended_data[channel] else {
                throw MediaError.processingFailed(path: source.path, detail: "channel \(channel) of a decoded block is missing")
            }
            return UnsafeRawPointer(plane).assumingMemoryBound(to: Float.self)
        }
        try body(planes, count)
        return count
    }
}
