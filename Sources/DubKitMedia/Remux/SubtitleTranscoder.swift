import CFFmpeg

/// Converts text subtitles between the formats containers hold (SubRip in MKV, mov_text in
/// MP4/MOV), one packet at a time: decode to styled text, encode in the output's format.
final class SubtitleTranscoder {
    let encoder: UnsafeMutablePointer<AVCodecContext>
    private let decoder: UnsafeMutablePointer<AVCodecContext>
    private let packet: MediaPacket
    private let path: String
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// A transcoder from `stream`'s text subtitles to `encoderName` (e.g. `mov_text`, `srt`), or nil
    /// when either side is not a text format this FFmpeg build handles.
    init?(stream: UnsafeMutablePointer<AVStream>, encoderName: String, path: String) throws {
        guard let parameters = stream.pointee.codecpar,
              let descriptor = avcodec_descriptor_get(parameters.pointee.codec_id),
              descriptor.pointee.props & AV_CODEC_PROP_TEXT_SUB != 0,
              let decoderCodec = avcodec_find_decoder(parameters.pointee.codec_id),
              let encoderCodec = avcodec_find_encoder_by_name(encoderName) else {
            return nil
        }
        // Allocated first: once both contexts exist, every stored property is set and deinit frees them.
        let packet = try MediaPacket(path: path)
        guard let decoder = avcodec_alloc_context3(decoderCodec) else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a subtitle decoder")
        }
        guard let encoder = avcodec_alloc_context3(encoderCodec) else {
            var owned: UnsafeMutablePointer<AVCodecContext>? = decoder
            avcodec_free_context(&owned)
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a subtitle encoder")
        }
        self.decoder = decoder
        self.encoder = encoder
        self.path = path
        self.packet = packet
        var status = avcodec_parameters_to_context(decoder, parameters)
        decoder.pointee.pkt_timebase = stream.pointee.time_base
        if status >= 0 {
            status = avcodec_open2(decoder, decoderCodec, nil)
        }
        if status < 0 {
            throw MediaError.corrupt(path: path, detail: "cannot open the subtitle decoder: \(FFmpegCode(status))")
        }
        // The encoder styles its output from the decoder's ASS header.
        encoder.pointee.time_base = stream.pointee.time_base
        if let header = decoder.pointee.subtitle_header, decoder.pointee.subtitle_header_size > 0 {
            let size = Int(decoder.pointee.subtitle_header_size)
            guard let copy = av_mallocz(size + 1)?.assumingMemoryBound(to: UInt8.self) else {
                throw MediaError.processingFailed(path: path, detail: "out of memory copying the subtitle header")
            }
            copy.update(from: header, count: size)
            encoder.pointee.subtitle_header = copy
            encoder.pointee.subtitle_header_size = Int32(size)
        }
        status = avcodec_open2(encoder, encoderCodec, nil)
        if status < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot open the \(encoderName) encoder: \(FFmpegCode(status))")
        }
    }

    deinit {
        var ownedDecoder: UnsafeMutablePointer<AVCodecContext>? = decoder
        avcodec_free_context(&ownedDecoder)
        var ownedEncoder: UnsafeMutablePointer<AVCodecContext>? = encoder
        avcodec_free_context(&ownedEncoder)
    }

    /// Converts `input` (timestamps in `timeBase`) and writes the result to `sink`; a packet that
    /// does not decode is skipped, as a player would.
    func convert(_ input: UnsafeMutablePointer<AVPacket>, timeBase: AVRational, into sink: some EncodedPacketSink) throws {
        var subtitle = AVSubtitle()
        var got: Int32 = 0
        let decoded = avcodec_decode_subtitle2(decoder, &subtitle, &got, input)
        guard decoded >= 0, got != 0 else { return }
        defer { avsubtitle_free(&subtitle) }
        let size = buffer.withUnsafeMutableBufferPointer { bytes in
            avcodec_encode_subtitle(encoder, bytes.baseAddress, Int32(bytes.count), &subtitle)
        }
        guard size > 0 else { return }
        av_packet_unref(packet.pointer)
        let allocated = av_new_packet(packet.pointer, size)
        if allocated < 0 {
            throw MediaError.processingFailed(path: path, detail: "out of memory for a subtitle packet")
        }
        defer { av_packet_unref(packet.pointer) }
        buffer.withUnsafeBufferPointer { bytes in
            if let base = bytes.baseAddress {
                packet.pointer.pointee.data.update(from: base, count: Int(size))
            }
        }
        packet.pointer.pointee.pts = input.pointee.pts
        packet.pointer.pointee.dts = input.pointee.pts
        packet.pointer.pointee.duration = input.pointee.duration
        try sink.write(packet.pointer, timeBase: timeBase)
    }
}
