import CFFmpeg

/// What a stream in a media file carries.
public enum MediaStreamKind: String, Codable, Sendable, CaseIterable {
    case audio, video, subtitle, data, attachment, unknown

    init(_ type: AVMediaType) {
        switch type {
        case AVMEDIA_TYPE_AUDIO: self = .audio
        case AVMEDIA_TYPE_VIDEO: self = .video
        case AVMEDIA_TYPE_SUBTITLE: self = .subtitle
        case AVMEDIA_TYPE_DATA: self = .data
        case AVMEDIA_TYPE_ATTACHMENT: self = .attachment
        default: self = .unknown
        }
    }
}
