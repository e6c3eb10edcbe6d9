import CFFmpeg

/// Owns the output muxer and its file: one audio stream, header, packets, trailer.
final class OutputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    private let filePath: String
    private let displayPath: String
    private var fileOpen = false
    private var stream: UnsafeMutablePointer<AVStream>?

    /// A muxer for `format` that will write to `filePath`; errors name `displayPath`.
    init(format: AudioOutputFormat, filePath: String, displayPath: String) throws {
        var allocated: UnsafeMutablePointer<AVFormatContext>?
        let status = avformat_alloc_output_context2(&allocated, nil, format.muxerName, filePath)
        guard status >= 0, let allocated else {
            throw MediaError.unsupportedOutput(path: displayPath, reason: "no \(format.rawValue) muxer: \(FFmpegCode(status))")
        }
        context = allocated
        self.filePath = filePath
        self.displayPath = displayPath
    }

    deinit {
        if fileOpen {
            avio_closep(&context.pointee.pb)
        }
        avformat_free_context(context)
    }

    /// Whether encoders must put their headers in extradata for this container.
    var wantsGlobalHeader: Bool {
        cff_format_wants_global_header(context.pointee.oformat) != 0
    }

    /// Adds the audio stream `encoder` produces, creates the file and writes the header.
    func open(with encoder: AudioEncoder) throws {
        guard let stream = avformat_new_stream(context, nil) else {
            throw MediaError.processingFailed(path: displayPath, detail: "out of memory adding a stream")
        }
        self.stream = stream
        let copied = avcodec_parameters_from_context(stream.pointee.codecpar, encoder.context)
        if copied < 0 {
            throw MediaError.processingFailed(path: displayPath, detail: "cannot describe the stream: \(FFmpegCode(copied))")
        }
        stream.pointee.time_base = encoder.context.pointee.time_base
        if cff_format_needs_file(context.pointee.oformat) != 0 {
            let opened = avio_open(&context.pointee.pb, filePath, AVIO_FLAG_WRITE)
            if opened < 0 {
                throw MediaError.writeFailed(path: displayPath, detail: FFmpegCode(opened).description)
            }
            fileOpen = true
        }
        let header = avformat_write_header(context, nil)
        if header < 0 {
            throw MediaError.writeFailed(path: displayPath, detail: "cannot write the header: \(FFmpegCode(header))")
        }
    }

    /// Writes one encoded packet whose timestamps are in `timeBase`.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational) throws {
        guard let stream else {
            throw MediaError.processingFailed(path: displayPath, detail: "packet written before the header")
        }
        av_packet_rescale_ts(packet, timeBase, stream.pointee.time_base)
        packet.pointee.stream_index = stream.pointee.index
        let written = av_interleaved_write_frame(context, packet)
        if written < 0 {
            throw MediaError.writeFailed(path: displayPath, detail: FFmpegCode(written).description)
        }
    }

    /// Writes the trailer and closes the file, reporting any error the buffered writes hit.
    func finish() throws {
        try finishOutputFile(context, fileOpen: &fileOpen, displayPath: displayPath)
    }
}
