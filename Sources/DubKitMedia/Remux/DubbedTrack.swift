import Foundation

/// One dubbed audio track to put into a video: the audio file, its language and an optional title.
public struct DubbedTrack: Sendable, Equatable {
    /// The audio (or video) file whose first audio stream is the dub.
    public var audio: URL
    /// ISO 639-2 language code, e.g. `spa`; stored lowercased.
    public var language: String
    /// A name players show for the track, e.g. "Spanish (dub)".
    public var title: String?

    /// A dubbed track from `audio` in `language`, optionally titled.
    public init(audio: URL, language: String, title: String? = nil) {
        self.audio = audio
        self.language = language
        self.title = title
    }

    /// Whether `code` is an ISO 639-2 code in form: exactly three ASCII letters.
    static func isValidLanguage(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }
    }
}
