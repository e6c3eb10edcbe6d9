import CFFmpeg

/// Turns one dubbed audio file into AAC packets on demand: decode → resample → regroup → encode,
/// padded with silence after the file ends and stopped at whatever length the caller asks for.
/// Only one input packet's worth of samples is ever queued, so memory does not grow with length.
final class DubTrackEncoder {
    let track: DubbedTrack
    let encoder: AudioEncoder
    let sampleRate: Int32
    /// Samples per channel encoded so far (silence included).
    private(set) var samplesEncoded: Int64 = 0

    private let input: MediaInput
    private let streamIndex: Int32
    private let decoder: AudioDecoder
    private let fifo: AudioSampleFIFO
    private let encodeFrame: MediaFrame
    private let packet: MediaPacket
    private let decoded: MediaFrame
    private var layout = AVChannelLayout()
    private var resampler: AudioResampler?
    private var converted: MediaFrame?
    private var silence: MediaFrame?
    private var inputSignature: (format: Int32, rate: Int32, channels: Int32)?
    private var inputFinished = false
    private var framesDecoded = 0
    private var samplePTSOffset: Int64 = 0

    /// Rates the AAC encoder takes; other rates are resampled to 48 kHz.
    private static let aacRates: Set<Int32> = [96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350]

    init(track: DubbedTrack, outputPath: String, bitRate: Int, globalHeader: Bool) throws {
        self.track = track
        let input = try MediaInput(track.audio)
        let stream = try AudioExtractor.selectStream(.first, in: input)
        guard let parameters = stream.pointee.codecpar, parameters.pointee.sample_rate > 0,
              parameters.pointee.ch_layout.nb_channels > 0 else {
            throw MediaError.corrupt(path: input.path, detail: "the audio stream has no sample rate or channels")
        }
        self.input = input
        self.streamIndex = stream.pointee.index
        self.decoder = try AudioDecoder(stream: stream, path: input.path)
        let sourceRate = parameters.pointee.sample_rate
        sampleRate = Self.aacRates.contains(sourceRate) ? sourceRate : 48_000
        cff_default_layout(&layout, min(parameters.pointee.ch_layout.nb_channels, 8))
        encoder = try AudioEncoder(
            path: outputPath, codecName: "aac", sampleFormat: AV_SAMPLE_FMT_FLTP, sampleRate: sampleRate,
            layout: &layout, bitRate: bitRate, globalHeader: globalHeader)
        fifo = try AudioSampleFIFO(
            path: input.path, format: AV_SAMPLE_FMT_FLTP, channels: layout.nb_channels, capacity: encoder.frameSize * 2)
        encodeFrame = try MediaFrame(
            path: input.path, capacity: encoder.frameSize, format: AV_SAMPLE_FMT_FLTP, layout: &layout,
            sampleRate: sampleRate)
        packet = try MediaPacket(path: input.path)
        decoded = try MediaFrame(path: input.path)
    }

    deinit {
        av_channel_layout_uninit(&layout)
    }

    /// Where the track's first sample sits on the output's timeline, in seconds (the video's start).
    func start(at seconds: Double) {
        samplePTSOffset = Int64((seconds * Double(sampleRate)).rounded())
    }

    /// Samples per channel that `seconds` of track hold.
    func samples(for seconds: Double) -> Int64 {
        Int64((max(seconds, 0) * Double(sampleRate)).rounded())
    }

    /// Encodes whole frames while they end at or before `target` samples; with `final`, encodes
    /// exactly up to `target` (a shorter last frame, silence after the file's end) and drains the encoder.
    func advance(to target: Int64, final: Bool, into sink: some EncodedPacketSink) throws {
        let frameSize = Int64(encoder.frameSize)
        while samplesEncoded < target {
            let wanted = min(frameSize, target - samplesEncoded)
            if wanted < frameSize && !final { break }
            try fill(Int32(wanted))
            let count = try fifo.read(into: encodeFrame, maximum: Int32(wanted))
            guard count > 0 else { break }
            encodeFrame.pointer.pointee.pts = samplePTSOffset + samplesEncoded
            samplesEncoded += Int64(count)
            try encoder.encode(encodeFrame.pointer, into: sink)
        }
        if final {
            if framesDecoded == 0 && inputFinished {
                throw MediaError.corrupt(path: input.path, detail: "no audio could be decoded")
            }
            try encoder.encode(nil, into: sink)
        }
    }

    /// Decodes until `samples` are queued, then pads with silence if the file has ended.
    private func fill(_ samples: Int32) throws {
        while fifo.count < samples && !inputFinished {
            try decodeNextPacket()
        }
        let missing = samples - fifo.count
        if missing > 0 {
            let frame = try silenceFrame()
            try fifo.write(frame, samples: min(missing, frame.capacity))
        }
    }

    private func decodeNextPacket() throws {
        let read = av_read_frame(input.context, packet.pointer)
        if read < 0 {
            // End of file (or an unreadable tail, kept as far as it decoded): flush everything.
            inputFinished = true
            _ = avcodec_send_packet(decoder.context, nil)
            try receiveFrames()
            try convert(nil)
            return
        }
        defer { av_packet_unref(packet.pointer) }
        guard packet.pointer.pointee.stream_index == streamIndex else { return }
        var sent = avcodec_send_packet(decoder.context, packet.pointer)
        if sent == FFmpegCode.again {
            try receiveFrames()
            sent = avcodec_send_packet(decoder.context, packet.pointer)
        }
        if sent < 0 { return }
        try receiveFrames()
    }

    private func receiveFrames() throws {
        while true {
            let received = avcodec_receive_frame(decoder.context, decoded.pointer)
            if received < 0 { return }
            defer { av_frame_unref(decoded.pointer) }
            let frame = decoded.pointer
            guard frame.pointee.nb_samples > 0, frame.pointee.sample_rate > 0, frame.pointee.ch_layout.nb_channels > 0 else {
                continue
            }
            let signature = (frame.pointee.format, frame.pointee.sample_rate, frame.pointee.ch_layout.nb_channels)
            if inputSignature.map({ $0 != signature }) ?? true {
                try convert(nil)
                try makeResampler(for: frame)
                inputSignature = signature
            }
            framesDecoded += 1
            try convert(frame)
        }
    }

    /// Resamples `frame` (nil: what the resampler still holds) into the queue.
    private func convert(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        guard let resampler else { return }
        while true {
            let needed = max(resampler.outputCapacity(forInput: frame?.pointee.nb_samples ?? 0), 1)
            let buffer = try conversionBuffer(capacity: needed)
            let count = try resampler.convert(frame, into: buffer)
            try fifo.write(buffer, samples: count)
            if frame != nil || count <= 0 { return }
        }
    }

    private func makeResampler(for frame: UnsafeMutablePointer<AVFrame>) throws {
        var inputLayout = AVChannelLayout()
        defer { av_channel_layout_uninit(&inputLayout) }
        if cff_layout_is_unspecified(&frame.pointee.ch_layout) != 0 {
            cff_default_layout(&inputLayout, frame.pointee.ch_layout.nb_channels)
        } else {
            _ = av_channel_layout_copy(&inputLayout, &frame.pointee.ch_layout)
        }
        resampler = try AudioResampler(
            path: input.path, input: &inputLayout, inputFormat: AVSampleFormat(rawValue: frame.pointee.format),
            inputRate: frame.pointee.sample_rate, output: &layout, outputFormat: AV_SAMPLE_FMT_FLTP,
            outputRate: sampleRate)
    }

    private func conversionBuffer(capacity: Int32) throws -> MediaFrame {
        if let converted, converted.capacity >= capacity {
            return converted
        }
        let buffer = try MediaFrame(
            path: input.path, capacity: max(capacity, 4096), format: AV_SAMPLE_FMT_FLTP, layout: &layout,
            sampleRate: sampleRate)
        converted = buffer
        return buffer
    }

    private func silenceFrame() throws -> MediaFrame {
        if let silence { return silence }
        let frame = try MediaFrame(
            path: input.path, capacity: encoder.frameSize, format: AV_SAMPLE_FMT_FLTP, layout: &layout,
            sampleRate: sampleRate)
        av_samples_set_silence(
            frame.pointer.pointee.extended_data, 0, frame.capacity, layout.nb_channels, AV_SAMPLE_FMT_FLTP)
        silence = frame
        return frame
    }
}
