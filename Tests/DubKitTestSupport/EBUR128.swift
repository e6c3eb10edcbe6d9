import Foundation

/// Loudness measured independently of DubKit, by the ffmpeg program's ebur128 filter (a test tool).
public enum EBUR128 {
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The integrated loudness (LUFS) of audio stream `stream` of `url`.
    public static func integratedLoudness(_ url: URL, stream: Int = 0) throws -> Double {
        // The summary at the end: "Integrated loudness:" then a line "I: -23.0 LUFS".
        try summaryFigure(url, stream: stream, filter: "ebur128", section: "Integrated loudness:", label: "I:",
                          name: "integrated loudness")
    }

    /// The true peak (dBTP) of audio stream `stream` of `url`, from ebur128's summary.
    public static func truePeak(_ url: URL, stream: Int = 0) throws -> Double {
        // The summary ends with "True peak:" then a line "Peak: -1.4 dBFS".
        try summaryFigure(url, stream: stream, filter: "ebur128=peak=true", section: "True peak:", label: "Peak:", name: "true peak")
    }

    /// Runs `filter` (ebur128 with its options) over audio stream `stream` of `url` and reads, from the
    /// last `section` of its summary, the number on the first line holding `label`.
    private static func summaryFigure(_ url: URL, stream: Int, filter: String, section: String, label: String,
                                      name: String) throws -> Double {
        let result = try ChildProcess.run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-nostats", "-i", url.path,
                                                              "-map", "0:a:\(stream)", "-af", filter, "-f", "null", "-"])
        guard result.status == 0 else { throw Failed(description: "ebur128 on \(url.path): \(result.stderr.suffix(300))") }
        guard let summary = result.stderr.range(of: section, options: .backwards),
              let line = result.stderr[summary.upperBound...].split(separator: "\n").first(where: { $0.contains(label) }),
              let value = line.split(separator: " ").compactMap({ Double($0) }).first else {
            throw Failed(description: "no \(name) in ebur128's report for \(url.path)")
        }
        return value
    }

    /// What ebur128 measured over a whole stream, to three decimals (its frame metadata rather than
    /// its one-decimal summary).
    public struct Report: Sendable, CustomStringConvertible {
        /// Integrated loudness, LUFS.
        public var integrated: Double
        /// Loudness range, LU.
        public var range: Double
        /// True peak (ebur128 oversamples to 192 kHz), dBTP.
        public var truePeak: Double
        /// Sample peak, dBFS.
        public var samplePeak: Double

        public var description: String {
            String(format: "I %.3f LUFS, LRA %.2f LU, TP %.3f dBTP, SP %.3f dBFS", integrated, range, truePeak, samplePeak)
        }
    }

    /// ebur128's last word on audio stream `stream` of `url` (peaks read as dB of its linear values).
    public static func report(_ url: URL, stream: Int = 0) throws -> Report {
        let result = try ChildProcess.run("/usr/bin/ffmpeg", [
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-i", url.path, "-map", "0:a:\(stream)",
            "-af", "ebur128=metadata=1:peak=true+sample,ametadata=print:file=/dev/stdout", "-f", "null", "-",
        ])
        guard result.status == 0 else { throw Failed(description: "ebur128 on \(url.path): \(result.stderr.suffix(300))") }
        var last: [String: Double] = [:]
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("lavfi.r128.") {
            let parts = line.dropFirst("lavfi.r128.".count).split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { last[String(parts[0])] = value }
        }
        guard let integrated = last["I"], let range = last["LRA"], let truePeak = last["true_peak"],
              let samplePeak = last["sample_peak"] else {
            throw Failed(description: "no loudness metadata from ebur128 for \(url.path)")
        }
        return Report(integrated: integrated, range: range, truePeak: 20 * log10(truePeak), samplePeak: 20 * log10(samplePeak))
    }
}
