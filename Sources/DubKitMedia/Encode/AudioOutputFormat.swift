import Foundation

/// The file types audio can be extracted to.
public enum AudioOutputFormat: String, Codable, Sendable, CaseIterable {
    case wav, flac, mp3
    /// AAC in an MPEG-4 audio file.
    case m4a

    /// The format a file name asks for by its extension, or nil when it is none of ours.
    public init?(fileExtension: String) {
        self.init(rawValue: fileExtension.lowercased())
    }

    /// FFmpeg's muxer name.
    var muxerName: String { self == .m4a ? "ipod" : rawValue }

    /// True for the lossy formats, which take a bit rate.
    var isLossy: Bool { self == .mp3 || self == .m4a }
}
