import Foundation

/// One file to mix and the gain it is mixed at.
public struct AudioMixInput: Sendable, Equatable {
    /// The file whose first audio stream is mixed.
    public var file: URL
    /// Level change in dB (0 keeps the level; -6 halves the amplitude). Must be in -90...30.
    public var gainDecibels: Double

    /// `file` mixed at `gainDecibels`.
    public init(file: URL, gainDecibels: Double = 0) {
        self.file = file
        self.gainDecibels = gainDecibels
    }
}
