import CFFmpeg

/// Owns the muxer of a remux output: streams copied from an input plus encoded audio streams.
final class VideoOutputContainer {
    private let muxer: MuxerFile
    private var context: UnsafeMutablePointer<AVFormatContext> { muxer.context }
    private var displayPath: String { muxer.displayPath }

    /// A muxer for `format` that will write to `filePath`; errors name `displayPath`.
    init(format: VideoContainerFormat, filePath: String, displayPath: String) throws {
        muxer = try MuxerFile(muxerName: format.muxerName, filePath: filePath, displayPath: displayPath) { _ in
            MediaError.unsupportedContainer(path: displayPath, fileExtension: format.rawValue)
        }
    }

    /// Whether encoders must put their headers in extradata for this container.
    var wantsGlobalHeader: Bool { muxer.wantsGlobalHeader }

    /// Whether the container can hold a stream in `codec`.
    func accepts(_ codec: AVCodecID) -> Bool {
        avformat_query_codec(context.pointee.oformat, codec, FF_COMPLIANCE_NORMAL) == 1
    }

    /// Adds a stream that will carry `source`'s packets unchanged (codec parameters, metadata, disposition).
    func addCopy(of source: UnsafeMutablePointer<AVStream>) throws -> UnsafeMutablePointer<AVStream> {
        let stream = try newStream()
        let copied = avcodec_parameters_copy(stream.pointee.codecpar, source.pointee.codecpar)
        if copied < 0 {
            throw MediaError.processingFailed(path: displayPath, detail: "cannot copy a stream: \(FFmpegCode(copied))")
        }
        // The source container's tag may mean nothing here; let the muxer choose its own.
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = source.pointee.time_base
        stream.pointee.avg_frame_rate = source.pointee.avg_frame_rate
        stream.pointee.r_frame_rate = source.pointee.r_frame_rate
        stream.pointee.sample_aspect_ratio = source.pointee.sample_aspect_ratio
        stream.pointee.disposition = source.pointee.disposition
        av_dict_copy(&stream.pointee.metadata, source.pointee.metadata, 0)
        return stream
    }

    /// Adds the audio stream `encoder` produces.
    func addEncoded(by encoder: AudioEncoder) throws -> UnsafeMutablePointer<AVStream> {
        try addEncoded(context: encoder.context)
    }

    /// Adds the stream the opened encoder `context` produces.
    func addEncoded(context: UnsafeMutablePointer<AVCodecContext>) throws -> UnsafeMutablePointer<AVStream> {
        let stream = try newStream()
        let copied = avcodec_parameters_from_context(stream.pointee.codecpar, context)
        if copied < 0 {
            throw MediaError.processingFailed(path: displayPath, detail: "cannot describe the stream: \(FFmpegCode(copied))")
        }
        stream.pointee.time_base = context.pointee.time_base
        return stream
    }

    /// Copies the container-level metadata and the chapters of `source`.
    func copyMetadataAndChapters(from source: UnsafeMutablePointer<AVFormatContext>) throws -> Int {
        av_dict_copy(&context.pointee.metadata, source.pointee.metadata, 0)
        let count = Int(source.pointee.nb_chapters)
        guard count > 0, let chapters = source.pointee.chapters else { return 0 }
        let size = MemoryLayout<UnsafeMutablePointer<AVChapter>?>.stride
        guard let table = av_mallocz(count * size)?.assumingMemoryBound(to: UnsafeMutablePointer<AVChapter>?.self) else {
            throw MediaError.processingFailed(path: displayPath, detail: "out of memory copying chapters")
        }
        // From here the muxer owns the table and frees it (and each chapter) with the context.
        context.pointee.chapters = table
        for index in 0..<count {
            guard let from = chapters[index],
                  let chapter = av_mallocz(MemoryLayout<AVChapter>.stride)?.assumingMemoryBound(to: AVChapter.self) else {
                throw MediaError.processingFailed(path: displayPath, detail: "out of memory copying chapters")
            }
            chapter.pointee.id = from.pointee.id
            chapter.pointee.time_base = from.pointee.time_base
            chapter.pointee.start = from.pointee.start
            chapter.pointee.end = from.pointee.end
            av_dict_copy(&chapter.pointee.metadata, from.pointee.metadata, 0)
            table[index] = chapter
            context.pointee.nb_chapters = UInt32(index + 1)
        }
        return count
    }

    /// Creates the file and writes the header; stream time bases may change here.
    func open() throws {
        try muxer.open()
    }

    /// Writes `packet` (timestamps in `timeBase`) to `stream`, interleaved with the other streams.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational, to stream: UnsafeMutablePointer<AVStream>) throws {
        try muxer.write(packet, timeBase: timeBase, to: stream)
    }

    /// Writes the trailer and closes the file, reporting any error the buffered writes hit.
    func finish() throws {
        try muxer.finish()
    }

    private func newStream() throws -> UnsafeMutablePointer<AVStream> {
        try muxer.newStream()
    }
}
