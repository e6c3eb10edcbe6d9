import Foundation

/// What a first loudness pass measured (libavfilter's loudnorm with `print_format=json`), for a
/// second pass that applies one exact gain (``AudioFilter/loudness(targetLUFS:truePeak:measured:)``).
public struct LoudnessMeasurement: Sendable, Equatable, Codable {
    /// Integrated loudness of the input, LUFS (`input_i`).
    public var integrated: Double
    /// True peak of the input, dBTP (`input_tp`).
    public var truePeak: Double
    /// Loudness range of the input, LU (`input_lra`).
    public var range: Double
    /// The gating threshold, LUFS (`input_thresh`).
    public var threshold: Double
    /// The offset gain the second pass adds after normalising, dB (`target_offset`).
    public var targetOffset: Double

    /// A measurement from its parts.
    public init(integrated: Double, truePeak: Double, range: Double, threshold: Double, targetOffset: Double) {
        self.integrated = integrated
        self.truePeak = truePeak
        self.range = range
        self.threshold = threshold
        self.targetOffset = targetOffset
    }

    /// Reads loudnorm's JSON report (the last `{…}` in `log`); nil when there is none or a field is missing.
    init?(loudnormReport log: String) {
        guard let open = log.range(of: "{", options: .backwards), let close = log.range(of: "}", options: .backwards),
              open.lowerBound < close.lowerBound,
              let object = try? JSONSerialization.jsonObject(with: Data(log[open.lowerBound...close.lowerBound].utf8)) as? [String: Any]
        else { return nil }
        func value(_ key: String) -> Double? {
            (object[key] as? String).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard let integrated = value("input_i"), let truePeak = value("input_tp"), let range = value("input_lra"),
              let threshold = value("input_thresh"), let offset = value("target_offset") else { return nil }
        self.init(integrated: integrated, truePeak: truePeak, range: range, threshold: threshold, targetOffset: offset)
    }
}
