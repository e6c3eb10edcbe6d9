import CFFmpeg
import Foundation

/// Reads what a media file contains without decoding it.
public enum MediaProbe {
    /// The container, duration and streams of the file at `url`; throws ``MediaError`` if it cannot be read.
    public static func probe(_ url: URL) throws -> MediaInfo {
        let input = try MediaInput(url)
        let context = input.context
        let duration = context.pointee.duration
        let streams = (0..<Int(context.pointee.nb_streams)).compactMap { index in
            context.pointee.streams[index].map(MediaStreamInfo.init)
        }
        let format = context.pointee.iformat
        return MediaInfo(
            path: input.path,
            formatName: swiftString(format?.pointee.name) ?? "unknown",
            formatDescription: swiftString(format?.pointee.long_name),
            durationSeconds: duration == cff_nopts_value() || duration < 0
                ? nil : Double(duration) / Double(cff_time_base()),
            bitRate: context.pointee.bit_rate > 0 ? Int(context.pointee.bit_rate) : nil,
            streams: streams)
    }
}
