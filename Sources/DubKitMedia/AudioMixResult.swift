/// What a mix wrote.
public struct AudioMixResult: Codable, Sendable, Equatable {
    /// The output file.
    public var output: String
    public var format: AudioOutputFormat
    public var sampleRate: Int
    public var channels: Int
    /// Samples per channel written: as many as the longest input holds.
    public var samples: Int64

    /// Length of the output in seconds.
    public var durationSeconds: Double {
        sampleRate > 0 ? Double(samples) / Double(sampleRate) : 0
    }
}
