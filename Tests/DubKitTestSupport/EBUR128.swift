import Foundation

/// Loudness measured independently of DubKit, by the ffmpeg program's ebur128 filter (a test tool).
public enum EBUR128 {
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The integrated loudness (LUFS) of audio stream `stream` of `url`.
    public static func integratedLoudness(_ url: URL, stream: Int = 0) throws -> Double {
        let result = try ChildProcess.run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-nostats", "-i", url.path,
                                                              "-map", "0:a:\(stream)", "-af", "ebur128", "-f", "null", "-"])
        guard result.status == 0 else { throw Failed(description: "ebur128 on \(url.path): \(result.stderr.suffix(300))") }
        // The summary at the end: "Integrated loudness:" then a line "I: -23.0 LUFS".
        guard let summary = result.stderr.range(of: "Integrated loudness:", options: .backwards),
              let line = result.stderr[summary.upperBound...].split(separator: "\n").first(where: { $0.contains("I:") }),
              let value = line.split(separator: " ").compactMap({ Double($0) }).first else {
            throw Failed(description: "no integrated loudness in ebur128's report for \(url.path)")
        }
        return value
    }

    /// The true peak (dBTP) of audio stream `stream` of `url`, from ebur128's summary.
    public static func truePeak(_ url: URL, stream: Int = 0) throws -> Double {
        let result = try ChildProcess.run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-nostats", "-i", url.path,
                                                              "-map", "0:a:\(stream)", "-af", "ebur128=peak=true", "-f", "null", "-"])
        guard result.status == 0 else { throw Failed(description: "ebur128 on \(url.path): \(result.stderr.suffix(300))") }
        // The summary ends with "True peak:" then a line "Peak: -1.4 dBFS".
        guard let summary = result.stderr.range(of: "True peak:", options: .backwards),
              let line = result.stderr[summary.upperBound...].split(separator: "\n").first(where: { $0.contains("Peak:") }),
              let value = line.split(separator: " ").compactMap({ Double($0) }).first else {
            throw Failed(description: "no true peak in ebur128's report for \(url.path)")
        }
        return value
    }
}
