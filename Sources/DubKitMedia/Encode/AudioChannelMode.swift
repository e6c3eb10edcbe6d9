/// How many channels the extracted audio has.
public enum AudioChannelMode: String, Codable, Sendable, CaseIterable {
    /// Downmix to one channel.
    case mono
    /// Two channels (mono is duplicated, surround is downmixed).
    case stereo
    /// The source's own channels and layout.
    case keep

    /// The channel count for a source with `sourceChannels` channels.
    func channels(source sourceChannels: Int32) -> Int32 {
        switch self {
        case .mono: 1
        case .stereo: 2
        case .keep: sourceChannels
        }
    }
}
