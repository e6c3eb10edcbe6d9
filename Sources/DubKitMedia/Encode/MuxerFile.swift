import CFFmpeg

/// Owns one output format context and its file: allocation, file and header, interleaved packets,
/// trailer and close. The audio and the video output containers build their streams on it.
final class MuxerFile {
    let context: UnsafeMutablePointer<AVFormatContext>
    let displayPath: String
    private let filePath: String
    private var fileOpen = false

    /// A muxer named `muxerName` writing to `filePath`; `refusal` is thrown when FFmpeg has no such muxer.
    init(muxerName: String, filePath: String, displayPath: String, refusal: (FFmpegCode) -> MediaError) throws {
        var allocated: UnsafeMutablePointer<AVFormatContext>?
        let status = avformat_alloc_output_context2(&allocated, nil, muxerName, filePath)
        guard status >= 0, let allocated else { throw refusal(FFmpegCode(status)) }
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

    /// Adds an empty stream.
    func newStream() throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else {
            throw MediaError.processingFailed(path: displayPath, detail: "out of memory adding a stream")
        }
        return stream
    }

    /// Creates the file (when the format needs one) and writes the header; stream time bases may change here.
    func open() throws {
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

    /// Writes `packet` (timestamps in `timeBase`) to `stream`, interleaved with the other streams.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational, to stream: UnsafeMutablePointer<AVStream>) throws {
        av_packet_rescale_ts(packet, timeBase, stream.pointee.time_base)
        packet.pointee.stream_index = stream.pointee.index
        packet.pointee.pos = -1
        let written = av_interleaved_write_frame(context, packet)
        if written < 0 {
            throw MediaError.writeFailed(path: displayPath, detail: FFmpegCode(written).description)
        }
    }

    /// Writes the trailer and closes the file, reporting any error the buffered writes hit.
    func finish() throws {
        let trailer = av_write_trailer(context)
        if trailer < 0 {
            throw MediaError.writeFailed(path: displayPath, detail: "cannot finish the file: \(FFmpegCode(trailer))")
        }
        guard fileOpen else { return }
        let pending = context.pointee.pb?.pointee.error ?? 0
        let closed = avio_closep(&context.pointee.pb)
        fileOpen = false
        if pending < 0 || closed < 0 {
            throw MediaError.writeFailed(path: displayPath, detail: FFmpegCode(pending < 0 ? pending : closed).description)
        }
    }
}
