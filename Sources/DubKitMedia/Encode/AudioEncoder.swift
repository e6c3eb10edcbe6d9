import CFFmpeg

/// Owns the encoder for the output audio (PCM, FLAC, MP3 or AAC) and the packet it encodes into.
final class AudioEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let sampleFormat: AVSampleFormat
    /// Samples per channel in every frame but the last.
    private(set) var frameSize: Int32 = 4096
    private let packet: MediaPacket
    private let path: String

    /// An encoder for an audio file of `format` (WAV, FLAC, MP3 or AAC in M4A).
    convenience init(
        path: String, format: AudioOutputFormat, encoding: AudioSampleEncoding, sampleRate: Int32,
        layout: UnsafePointer<AVChannelLayout>, mp3BitRate: Int, globalHeader: Bool
    ) throws {
        let spec = encoding.encoder(for: format)
        try self.init(
            path: path, codecName: spec.codec, sampleFormat: spec.sampleFormat, bitsPerSample: spec.bitsPerSample,
            sampleRate: sampleRate, layout: layout, bitRate: format.isLossy ? mp3BitRate : 0,
            globalHeader: globalHeader)
    }

    /// An encoder named `codecName` (e.g. `aac`) taking `sampleFormat`; `bitRate` 0 leaves the codec's default.
    init(
        path: String, codecName: String, sampleFormat: AVSampleFormat, bitsPerSample: Int32 = 0, sampleRate: Int32,
        layout: UnsafePointer<AVChannelLayout>, bitRate: Int, globalHeader: Bool
    ) throws {
        let spec = (codec: codecName, sampleFormat: sampleFormat, bitsPerSample: bitsPerSample)
        guard let codec = avcodec_find_encoder_by_name(spec.codec) else {
            throw MediaError.unsupportedOutput(path: path, reason: "this FFmpeg build has no \(spec.codec) encoder")
        }
        let packet = try MediaPacket(path: path)
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating an encoder")
        }
        self.context = context
        self.packet = packet
        self.path = path
        self.sampleFormat = spec.sampleFormat
        if let rates = codec.pointee.supported_samplerates {
            var supported: [Int32] = []
            var index = 0
            while rates[index] != 0 {
                supported.append(rates[index])
                index += 1
            }
            if !supported.isEmpty, !supported.contains(sampleRate) {
                let list = supported.sorted().map(String.init).joined(separator: ", ")
                throw MediaError.unsupportedOutput(
                    path: path, reason: "\(codecName) cannot store \(sampleRate) Hz; use one of \(list)")
            }
        }
        context.pointee.sample_fmt = spec.sampleFormat
        context.pointee.sample_rate = sampleRate
        context.pointee.time_base = AVRational(num: 1, den: sampleRate)
        if spec.bitsPerSample > 0 {
            context.pointee.bits_per_raw_sample = spec.bitsPerSample
        }
        if bitRate > 0 {
            context.pointee.bit_rate = Int64(bitRate)
        }
        let copied = av_channel_layout_copy(&context.pointee.ch_layout, layout)
        if copied < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot set the channel layout: \(FFmpegCode(copied))")
        }
        if globalHeader {
            cff_set_global_header(context)
        }
        let opened = avcodec_open2(context, codec, nil)
        if opened < 0 {
            throw MediaError.unsupportedOutput(
                path: path,
                reason: "the \(spec.codec) encoder refused \(layout.pointee.nb_channels) channel(s) at \(sampleRate) Hz: \(FFmpegCode(opened))")
        }
        if cff_codec_variable_frame_size(codec) == 0, context.pointee.frame_size > 0 {
            frameSize = context.pointee.frame_size
        }
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    /// Encodes `frame` (nil drains the encoder) and writes every packet it yields to `container`.
    func encode(_ frame: UnsafeMutablePointer<AVFrame>?, into container: some EncodedPacketSink) throws {
        let sent = avcodec_send_frame(context, frame)
        if sent < 0 {
            throw MediaError.processingFailed(path: path, detail: "the encoder refused a frame: \(FFmpegCode(sent))")
        }
        while true {
            let received = avcodec_receive_packet(context, packet.pointer)
            if received == FFmpegCode.again || received == FFmpegCode.endOfFile {
                return
            }
            if received < 0 {
                throw MediaError.processingFailed(path: path, detail: "encoding failed: \(FFmpegCode(received))")
            }
            try container.write(packet.pointer, timeBase: context.pointee.time_base)
        }
    }
}
