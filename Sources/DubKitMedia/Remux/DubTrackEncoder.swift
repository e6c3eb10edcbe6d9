import CFFmpeg

/// Turns one dubbed audio file into AAC packets on demand, padded with silence after the file ends
/// and stopped at whatever length the caller asks for (so a long dub is trimmed).
final class DubTrackEncoder: DubTrackWriter {
    let track: DubbedTrack
    let encoder: AudioEncoder
    let sampleRate: Int32
    /// Samples per channel encoded so far (silence included).
    private(set) var samplesEncoded: Int64 = 0

    private let source: AudioSampleSource
    private let encodeFrame: MediaFrame
    private var layout = AVChannelLayout()
    private var samplePTSOffset: Int64 = 0

    /// Rates the AAC encoder takes; other rates are resampled to 48 kHz.
    static let aacRates: Set<Int32> = [
        96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350,
    ]

    init(track: DubbedTrack, outputPath: String, bitRate: Int, globalHeader: Bool) throws {
        self.track = track
        source = try AudioSampleSource(track.audio)
        sampleRate = Self.aacRates.contains(source.sourceRate) ? source.sourceRate : 48_000
        cff_default_layout(&layout, min(source.sourceChannels, 8))
        try source.configure(sampleRate: sampleRate, layout: &layout)
        encoder = try AudioEncoder(
            path: outputPath, codecName: "aac", sampleFormat: AV_SAMPLE_FMT_FLTP, sampleRate: sampleRate,
            layout: &layout, bitRate: bitRate, globalHeader: globalHeader)
        encodeFrame = try MediaFrame(
            path: source.path, capacity: encoder.frameSize, format: AV_SAMPLE_FMT_FLTP, layout: &layout,
            sampleRate: sampleRate)
    }

    deinit {
        av_channel_layout_uninit(&layout)
    }

    var isCopy: Bool { false }

    func addStream(to muxer: VideoOutputContainer) throws -> UnsafeMutablePointer<AVStream> {
        try muxer.addEncoded(by: encoder)
    }

    func start(at seconds: Double) {
        samplePTSOffset = Int64((seconds * Double(sampleRate)).rounded())
    }

    func advance(to seconds: Double, final: Bool, into sink: MuxerStream) throws {
        try advance(toSample: Int64((max(seconds, 0) * Double(sampleRate)).rounded()), final: final, into: sink)
    }

    /// Encodes whole frames while they end at or before `target` samples; with `final`, encodes
    /// exactly up to `target` (a shorter last frame, silence after the file's end) and drains the encoder.
    func advance(toSample target: Int64, final: Bool, into sink: some EncodedPacketSink) throws {
        let frameSize = Int64(encoder.frameSize)
        while samplesEncoded < target {
            let wanted = Int32(min(frameSize, target - samplesEncoded))
            if Int64(wanted) < frameSize && !final { break }
            encodeFrame.pointer.pointee.nb_samples = encoder.frameSize
            let read = source.isExhausted ? 0 : try source.read(into: encodeFrame, maximum: wanted)
            if read < wanted {
                av_samples_set_silence(
                    encodeFrame.pointer.pointee.extended_data, read, wanted - read, layout.nb_channels, AV_SAMPLE_FMT_FLTP)
            }
            encodeFrame.pointer.pointee.nb_samples = wanted
            encodeFrame.pointer.pointee.pts = samplePTSOffset + samplesEncoded
            samplesEncoded += Int64(wanted)
            try encoder.encode(encodeFrame.pointer, into: sink)
        }
        if final {
            try encoder.encode(nil, into: sink)
        }
    }
}
