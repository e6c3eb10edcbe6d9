import Foundation

/// The result of an extraction: what was written and how it went.
public struct AudioExtraction: Codable, Sendable, Equatable {
    public var output: String
    public var format: AudioOutputFormat
    public var sourceStreamIndex: Int
    public var sourceCodec: String
    public var sampleRate: Int
    public var channels: Int
    public var samples: Int64
    /// Packets the decoder rejected and that were skipped (damaged input); 0 for a clean file.
    public var skippedPackets: Int

    /// The written audio's length in seconds.
    public var durationSeconds: Double {
        sampleRate > 0 ? Double(samples) / Double(sampleRate) : 0
    }
}
