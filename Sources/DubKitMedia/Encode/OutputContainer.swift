import CFFmpeg

/// Owns the output muxer and its file: one audio stream, header, packets, trailer.
final class OutputContainer {
    private let muxer: MuxerFile
    private var displayPath: String { muxer.displayPath }
    private var stream: UnsafeMutablePointer<AVStream>?

    /// A muxer for `format` that will write to `filePath`; errors name `displayPath`.
    init(format: AudioOutputFormat, filePath: String, displayPath: String) throws {
        muxer = try MuxerFile(muxerName: format.muxerName, filePath: filePath, displayPath: displayPath) { code in
            MediaError.unsupportedOutput(path: displayPath, reason: "no \(format.rawValue) muxer: \(code)")
        }
    }

    /// Whether encoders must put their headers in extradata for this container.
    var wantsGlobalHeader: Bool { muxer.wantsGlobalHeader }

    /// Adds the audio stream `encoder` produces, creates the file and writes the header.
    func open(with encoder: AudioEncoder) throws {
        let stream = try muxer.newStream()
        self.stream = stream
        let copied = avcodec_parameters_from_context(stream.pointee.codecpar, encoder.context)
        if copied < 0 {
            throw MediaError.processingFailed(path: displayPath, detail: "cannot describe the stream: \(FFmpegCode(copied))")
        }
        stream.pointee.time_base = encoder.context.pointee.time_base
        try muxer.open()
    }

    /// Writes one encoded packet whose timestamps are in `timeBase`.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational) throws {
        guard let stream else {
            throw MediaError.processingFailed(path: displayPath, detail: "packet written before the header")
        }
        try muxer.write(packet, timeBase: timeBase, to: stream)
    }

    /// Writes the trailer and closes the file, reporting any error the buffered writes hit.
    func finish() throws {
        try muxer.finish()
    }
}
