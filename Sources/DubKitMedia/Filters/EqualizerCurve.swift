import Foundation

/// An EQ curve for ``AudioFilter/equalizer(_:)``: gains at frequencies, joined by straight lines in dB
/// (libavfilter's firequalizer); below the first point and above the last the end gains hold.
public struct EqualizerCurve: Sendable, Equatable, Codable {
    /// One point of the curve.
    public struct Point: Sendable, Equatable, Codable {
        /// The frequency in Hz: positive, and below the audio's Nyquist frequency (half its sample rate).
        public var frequencyHz: Double
        /// The gain at that frequency in dB, within ``EqualizerCurve/gainRange``.
        public var gainDB: Double

        /// A point from its frequency and gain.
        public init(frequencyHz: Double, gainDB: Double) {
            self.frequencyHz = frequencyHz
            self.gainDB = gainDB
        }
    }

    /// The gains a point may ask for, in dB.
    public static let gainRange: ClosedRange<Double> = -24...24
    /// The most points a curve may have.
    public static let maxPoints = 64

    /// The points, in ascending frequency.
    public var points: [Point]

    /// A curve from `(frequencyHz, gainDB)` pairs; checked when it is used (``problem(sampleRate:)``).
    public init(_ points: [(frequencyHz: Double, gainDB: Double)]) {
        self.points = points.map { Point(frequencyHz: $0.frequencyHz, gainDB: $0.gainDB) }
    }

    /// Why the curve cannot be used on audio at `sampleRate` (nil: not yet known), or nil when it can.
    public func problem(sampleRate: Int? = nil) -> String? {
        guard !points.isEmpty else { return "an EQ curve needs at least one point" }
        guard points.count <= Self.maxPoints else { return "an EQ curve has at most \(Self.maxPoints) points, not \(points.count)" }
        for (index, point) in points.enumerated() {
            guard point.frequencyHz.isFinite, point.frequencyHz > 0 else {
                return "EQ point \(index + 1): frequency \(point.frequencyHz) Hz must be positive"
            }
            guard point.gainDB.isFinite, Self.gainRange.contains(point.gainDB) else {
                return "EQ point \(index + 1): gain \(point.gainDB) dB is outside -24...24 dB"
            }
            if index > 0, point.frequencyHz <= points[index - 1].frequencyHz {
                return "EQ point \(index + 1): frequency \(point.frequencyHz) Hz must be above the previous point's \(points[index - 1].frequencyHz) Hz"
            }
            if let sampleRate, point.frequencyHz >= Double(sampleRate) / 2 {
                return "EQ point \(index + 1): frequency \(point.frequencyHz) Hz is not below the Nyquist frequency \(sampleRate / 2) Hz of \(sampleRate) Hz audio"
            }
        }
        return nil
    }

    /// The firequalizer `gain_entry` value: `entry(f,g);entry(f,g)…`.
    var gainEntries: String {
        points.map { "entry(\(Self.number($0.frequencyHz)),\(Self.number($0.gainDB)))" }.joined(separator: ";")
    }

    private static func number(_ value: Double) -> String {
        String(format: "%.6g", value)
    }
}
