import Foundation

/// The file types audio can be extracted to.
public enum AudioOutputFormat: String, Codable, Sendable, CaseIterable {
    case wav, flac, mp3

    /// The format a file name asks for by its extension, or nil when it is none of ours.
    public init?(fileExtension: String) {
        self.init(rawValue: fileExtension.lowercased())
    }

    /// FFmpeg's muxer name.
    var muxerName: String { rawValue }
}
