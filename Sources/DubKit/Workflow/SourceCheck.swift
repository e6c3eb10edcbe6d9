import DubKitMedia
import Foundation

/// Checks of a dub's source that can refuse it, run before anything is paid (at `dub create`,
/// `convert`, and in the upload stage before the provider's job is created).
public enum SourceCheck {
    /// How much shorter than its picture a video's audio may be: the export's made-from check allows
    /// the same second.
    public static let allowedShortfallSeconds = 1.0

    /// Refuses a video whose first audio stream ends more than ``allowedShortfallSeconds`` before its
    /// picture. Files without a picture, or whose streams carry no lengths, pass.
    public static func audioCoversPicture(_ file: URL) throws(DubKitError) {
        guard let info = try? MediaProbe.probe(file) else { return }
        try audioCoversPicture(info, path: file.path)
    }

    /// ``audioCoversPicture(_:)`` of a file already probed.
    public static func audioCoversPicture(_ info: MediaInfo, path: String) throws(DubKitError) {
        // A cover picture (an attached still) carries no length of its own, so it never refuses a file.
        let pictures = info.streams.filter { $0.kind == .video }
        guard let picture = pictures.compactMap(\.durationSeconds).max(),
              let audio = info.audioStreams.first?.durationSeconds else { return }
        if picture - audio > allowedShortfallSeconds {
            throw .shortAudio(path: path, audioSeconds: audio, pictureSeconds: picture)
        }
    }
}
