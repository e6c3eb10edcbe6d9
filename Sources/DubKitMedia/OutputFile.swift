import CFFmpeg

/// Writes `context`'s trailer and closes its file (when open), reporting any error the buffered
/// writes hit; shared by the audio and the video output containers.
func finishOutputFile(_ context: UnsafeMutablePointer<AVFormatContext>, fileOpen: inout Bool, displayPath: String) throws {
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
