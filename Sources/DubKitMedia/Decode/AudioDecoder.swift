import CFFmpeg

/// Owns the decoder for one audio stream.
final class AudioDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let codecName: String

    /// A decoder for `stream`; `strict` makes it check checksums (FLAC's frame CRCs) and report
    /// damage instead of concealing it.
    init(stream: UnsafeMutablePointer<AVStream>, path: String, strict: Bool = true) throws {
        guard let parameters = stream.pointee.codecpar else {
            throw MediaError.corrupt(path: path, detail: "the audio stream has no codec parameters")
        }
        let name = swiftString(avcodec_get_name(parameters.pointee.codec_id)) ?? "unknown"
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError.unsupportedCodec(path: path, codec: name)
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a decoder")
        }
        self.context = context
        self.codecName = name
        let copied = avcodec_parameters_to_context(context, parameters)
        if copied < 0 {
            throw MediaError.corrupt(path: path, detail: "bad \(name) parameters: \(FFmpegCode(copied))")
        }
        context.pointee.pkt_timebase = stream.pointee.time_base
        if strict {
            context.pointee.err_recognition |= AV_EF_CRCCHECK | AV_EF_EXPLODE
        }
        let opened = avcodec_open2(context, codec, nil)
        if opened < 0 {
            throw MediaError.corrupt(path: path, detail: "cannot open the \(name) decoder: \(FFmpegCode(opened))")
        }
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }
}
