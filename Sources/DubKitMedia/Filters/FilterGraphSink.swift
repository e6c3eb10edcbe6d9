import CFFmpeg

/// Takes the next frame out of a filter graph's `abuffersink` into `frame`: false when the graph needs
/// more input or is finished; a failure is thrown naming `path` and `failure` (what was being done).
func pullFrame(from sink: UnsafeMutablePointer<AVFilterContext>?, into frame: MediaFrame, path: String, failure: String) throws -> Bool {
    let got = av_buffersink_get_frame(sink, frame.pointer)
    if got == FFmpegCode.again || got == FFmpegCode.endOfFile { return false }
    if got < 0 {
        throw MediaError.processingFailed(path: path, detail: "\(failure): \(FFmpegCode(got))")
    }
    return true
}
