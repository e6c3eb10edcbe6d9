import Foundation

/// An `output_format` of seed 002, `codec_sample_rate[_bitrate]`: what comes back and how it is stored.
public struct ElevenLabsOutputFormat: Sendable, Hashable, CustomStringConvertible {
    /// How the answer's bytes are encoded.
    public enum Codec: String, Sendable, Hashable {
        /// An MP3 stream.
        case mp3
        /// Headerless 16-bit little-endian mono PCM.
        case pcm
        /// Headerless 8-bit G.711 μ-law mono.
        case ulaw
    }

    /// The seed's values, every one the adapter offers.
    public static let names = [
        "mp3_44100_32", "mp3_44100_64", "mp3_44100_96", "mp3_44100_128", "mp3_44100_192",
        "pcm_16000", "pcm_22050", "pcm_24000", "pcm_44100", "ulaw_8000",
    ]
    /// What ElevenLabs sends when no format is asked for.
    public static let defaultName = "mp3_44100_128"
    /// The format of ``defaultName``.
    public static let standard = ElevenLabsOutputFormat(name: defaultName, codec: .mp3, sampleRate: 44_100, kilobitsPerSecond: 128)

    /// The value as sent, e.g. `pcm_24000`.
    public let name: String
    public let codec: Codec
    /// Samples per second.
    public let sampleRate: Int
    /// kb/s, for MP3.
    public let kilobitsPerSecond: Int?

    /// The format of one of the seed's values; nil for anything else.
    public init?(_ name: String) {
        guard Self.names.contains(name) else { return nil }
        let parts = name.split(separator: "_").map(String.init)
        guard parts.count >= 2, let codec = Codec(rawValue: parts[0]), let rate = Int(parts[1]) else { return nil }
        self.name = name
        self.codec = codec
        sampleRate = rate
        kilobitsPerSecond = parts.count > 2 ? Int(parts[2]) : nil
    }

    private init(name: String, codec: Codec, sampleRate: Int, kilobitsPerSecond: Int?) {
        self.name = name
        self.codec = codec
        self.sampleRate = sampleRate
        self.kilobitsPerSecond = kilobitsPerSecond
    }

    public var description: String { name }

    /// True when the answer has no header (PCM, μ-law) and must be wrapped into a WAV to be decodable.
    public var isHeaderless: Bool { codec != .mp3 }

    /// The stored result's extension.
    public var fileExtension: String { codec == .mp3 ? "mp3" : "wav" }

    /// Bytes one second of audio takes in the answer (for progress).
    public var bytesPerSecond: Int {
        switch codec {
        case .mp3: (kilobitsPerSecond ?? 128) * 1000 / 8
        case .pcm: sampleRate * 2
        case .ulaw: sampleRate
        }
    }
}
