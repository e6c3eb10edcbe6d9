/// A stretch of a media file in seconds from its start: what a preview takes of its input.
public struct MediaWindow: Sendable, Equatable {
    /// Where the stretch starts, seconds (0 or more).
    public var start: Double
    /// How long it is, seconds; nil to the end of the file.
    public var duration: Double?

    /// The stretch from `start`, `duration` long (nil: to the end).
    public init(start: Double, duration: Double? = nil) {
        self.start = max(start, 0)
        self.duration = duration
    }

    /// Where it ends, seconds, or nil at the end of the file.
    public var end: Double? { duration.map { start + $0 } }
}
