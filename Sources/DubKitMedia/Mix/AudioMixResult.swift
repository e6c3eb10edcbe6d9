/// What a mix wrote.
public struct AudioMixResult: Codable, Sendable, Equatable {
    /// The output file.
    public var output: String
    /// The file type written (from the output's extension).
    public var format: AudioOutputFormat
    /// Samples per second of the output.
    public var sampleRate: Int
    /// Channels of the output: as many as the widest input.
    public var channels: Int
    /// Samples per channel written: as many as the longest input holds.
    public var samples: Int64

    /// Length of the output in seconds.
    public var durationSeconds: Double {
        sampleRate > 0 ? Double(samples) / Double(sampleRate) : 0
    }
}
