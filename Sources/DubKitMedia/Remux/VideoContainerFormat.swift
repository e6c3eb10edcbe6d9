import Foundation

/// The video containers a remux can write, chosen by the output's extension.
public enum VideoContainerFormat: String, Codable, Sendable, CaseIterable {
    /// MPEG-4 (.mp4, .m4v).
    case mp4
    /// QuickTime (.mov).
    case mov
    /// Matroska (.mkv).
    case mkv

    /// The container a file name asks for by its extension (`.m4v` is MP4), or nil when it is none of ours.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "mp4", "m4v": self = .mp4
        case "mov": self = .mov
        case "mkv": self = .mkv
        default: return nil
        }
    }

    /// The encoder for the text subtitle format the container holds.
    var textSubtitleEncoder: String {
        self == .mkv ? "srt" : "mov_text"
    }

    /// FFmpeg's muxer name.
    var muxerName: String {
        switch self {
        case .mp4: "mp4"
        case .mov: "mov"
        case .mkv: "matroska"
        }
    }
}
