import CFFmpeg
import Foundation

/// The first audio stream of a file as a queue of planar float samples at a chosen rate and layout:
/// decode → resample → queue, one input packet at a time, so memory does not grow with length.
final class AudioSampleSource {
    let path: String
    /// The stream's own rate and channel count, as its header says.
    let sourceRate: Int32
    let sourceChannels: Int32
    /// True once the file is fully decoded and every sample has been read.
    var isExhausted: Bool { inputFinished && (fifo?.count ?? 0) == 0 }

    /// The decoded stream, or nil when a plain PCM WAV is read directly.
    private let stream: DecodedStream?
    private let pcm: PCMWAVReader?
    private var fifo: AudioSampleFIFO?
    private var layout = AVChannelLayout()
    private var rate: Int32 = 0
    private var resampler: AudioResampler?
    private var converted: MediaFrame?
    private var inputSignature: (format: Int32, rate: Int32, channels: Int32)?
    private var inputFinished = false
    private var framesDecoded = 0
    /// Samples per channel decoded so far, to say where a bad sample is.
    private var samplesDecoded = 0

    /// The demuxed and decoded first audio stream of a file.
    private final class DecodedStream {
        let input: MediaInput
        let streamIndex: Int32
        let decoder: AudioDecoder
        let packet: MediaPacket
        let decoded: MediaFrame
        var completeness: InputCompleteness

        init(input: MediaInput, stream: UnsafeMutablePointer<AVStream>) throws {
            self.input = input
            streamIndex = stream.pointee.index
            decoder = try AudioDecoder(stream: stream, path: input.path)
            completeness = InputCompleteness(input)
            packet = try MediaPacket(path: input.path)
            decoded = try MediaFrame(path: input.path)
        }
    }

    /// Opens `url`'s first audio stream; call ``configure(sampleRate:layout:)`` before reading.
    /// With `plainPCM`, a plain 16-bit PCM WAV is read straight from its data chunk (``PCMWAVReader``),
    /// the samples FFmpeg decodes from it, without looking for a stream hidden in the PCM; any other
    /// file is opened as usual, with `wavProbePackets`.
    init(_ url: URL, wavProbePackets: Int = MediaInput.wavProbePackets, plainPCM: Bool = false) throws {
        if plainPCM, let reader = PCMWAVReader.reader(for: url) {
            pcm = reader
            stream = nil
            path = reader.path
            sourceRate = reader.sampleRate
            sourceChannels = reader.channels
            return
        }
        let input = try MediaInput(url, wavProbePackets: wavProbePackets)
        let selected = try AudioExtractor.selectStream(.first, in: input)
        guard let parameters = selected.pointee.codecpar, parameters.pointee.sample_rate > 0,
              parameters.pointee.ch_layout.nb_channels > 0 else {
            throw MediaError.corrupt(path: input.path, detail: "the audio stream has no sample rate or channels")
        }
        pcm = nil
        stream = try DecodedStream(input: input, stream: selected)
        path = input.path
        sourceRate = parameters.pointee.sample_rate
        sourceChannels = parameters.pointee.ch_layout.nb_channels
    }

    deinit {
        av_channel_layout_uninit(&layout)
    }

    /// Sets the rate and layout samples are delivered in (once, before the first read).
    func configure(sampleRate: Int32, layout wanted: UnsafePointer<AVChannelLayout>) throws {
        let copied = av_channel_layout_copy(&layout, wanted)
        if copied < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot set the channel layout: \(FFmpegCode(copied))")
        }
        rate = sampleRate
        fifo = try AudioSampleFIFO(path: path, format: AV_SAMPLE_FMT_FLTP, channels: layout.nb_channels, capacity: 4096)
    }

    /// Moves up to `maximum` samples into `frame` (planar float in the configured layout), decoding
    /// as needed; fewer only at the end of the file.
    func read(into frame: MediaFrame, maximum: Int32) throws -> Int32 {
        guard let fifo else {
            throw MediaError.processingFailed(path: path, detail: "samples read before the format was set")
        }
        while fifo.count < maximum && !inputFinished {
            try decodeNextPacket(into: fifo)
        }
        if inputFinished && framesDecoded == 0 {
            throw MediaError.corrupt(path: path, detail: "no audio could be decoded")
        }
        return try fifo.read(into: frame, maximum: maximum)
    }

    private func decodeNextPacket(into fifo: AudioSampleFIFO) throws {
        if let pcm {
            guard let frame = try pcm.next() else {
                inputFinished = true
                try convert(nil, into: fifo)
                return
            }
            try take(frame, into: fifo)
            return
        }
        guard let stream else { return }
        let read = av_read_frame(stream.input.context, stream.packet.pointer)
        if read < 0 {
            // The end: a truncated file or a read error is refused; otherwise flush everything.
            try stream.completeness.verify(readResult: read)
            inputFinished = true
            _ = avcodec_send_packet(stream.decoder.context, nil)
            try receiveFrames(from: stream, into: fifo)
            try convert(nil, into: fifo)
            return
        }
        defer { av_packet_unref(stream.packet.pointer) }
        stream.completeness.record(stream.packet.pointer)
        guard stream.packet.pointer.pointee.stream_index == stream.streamIndex else { return }
        var sent = avcodec_send_packet(stream.decoder.context, stream.packet.pointer)
        if sent == FFmpegCode.again {
            try receiveFrames(from: stream, into: fifo)
            sent = avcodec_send_packet(stream.decoder.context, stream.packet.pointer)
        }
        if sent < 0 {
            throw MediaError.corrupt(path: path, detail: "the \(stream.decoder.codecName) audio is damaged: \(FFmpegCode(sent))")
        }
        try receiveFrames(from: stream, into: fifo)
    }

    private func receiveFrames(from stream: DecodedStream, into fifo: AudioSampleFIFO) throws {
        while true {
            let received = avcodec_receive_frame(stream.decoder.context, stream.decoded.pointer)
            if received == FFmpegCode.again || received == FFmpegCode.endOfFile { return }
            if received < 0 {
                throw MediaError.corrupt(path: path, detail: "the \(stream.decoder.codecName) audio is damaged: \(FFmpegCode(received))")
            }
            defer { av_frame_unref(stream.decoded.pointer) }
            try take(stream.decoded.pointer, into: fifo)
        }
    }

    /// Resamples one decoded (or read) frame into the queue, making a new resampler when its format changes.
    private func take(_ frame: UnsafeMutablePointer<AVFrame>, into fifo: AudioSampleFIFO) throws {
        guard frame.pointee.nb_samples > 0, frame.pointee.sample_rate > 0, frame.pointee.ch_layout.nb_channels > 0 else {
            return
        }
        try FiniteSamples.check(frame, path: path, seconds: Double(samplesDecoded) / Double(frame.pointee.sample_rate))
        samplesDecoded += Int(frame.pointee.nb_samples)
        let signature = (frame.pointee.format, frame.pointee.sample_rate, frame.pointee.ch_layout.nb_channels)
        if inputSignature.map({ $0 != signature }) ?? true {
            try convert(nil, into: fifo)
            try makeResampler(for: frame)
            inputSignature = signature
        }
        framesDecoded += 1
        try convert(frame, into: fifo)
    }

    /// Resamples `frame` (nil: what the resampler still holds) into the queue.
    private func convert(_ frame: UnsafeMutablePointer<AVFrame>?, into fifo: AudioSampleFIFO) throws {
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
        frameChannelLayout(frame, into: &inputLayout)
        resampler = try AudioResampler(
            path: path, input: &inputLayout, inputFormat: AVSampleFormat(rawValue: frame.pointee.format),
            inputRate: frame.pointee.sample_rate, output: &layout, outputFormat: AV_SAMPLE_FMT_FLTP, outputRate: rate,
            reusable: true)
    }

    private func conversionBuffer(capacity: Int32) throws -> MediaFrame {
        if let converted, converted.capacity >= capacity {
            return converted
        }
        let buffer = try MediaFrame(
            path: path, capacity: max(capacity, 4096), format: AV_SAMPLE_FMT_FLTP, layout: &layout, sampleRate: rate)
        converted = buffer
        return buffer
    }
}
