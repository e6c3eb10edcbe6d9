import ArgumentParser
import DubKit
import DubKitHTTP
import Foundation

/// The `--max-download` option of commands that may fetch a link.
struct DownloadOptions: ParsableArguments {
    @Option(name: .customLong("max-download"),
            help: ArgumentHelp("The largest file a link may deliver, e.g. 500M or 4G (default 2G).", valueName: "size"))
    var maxDownload: String?

    func validate() throws {
        if let maxDownload, Self.bytes(maxDownload) == nil {
            throw ValidationError("--max-download must be a positive size such as 750M, 2G or 1048576 (got '\(maxDownload)')")
        }
    }

    /// The cap in bytes (2 GiB unless given).
    var maxBytes: Int64 {
        maxDownload.flatMap(Self.bytes) ?? LinkDownloader.defaultMaxBytes
    }

    /// A downloader with this cap, reporting to `progress`.
    func downloader(progress: (@Sendable (DownloadProgress) -> Void)? = nil) -> LinkDownloader {
        LinkDownloader(maxBytes: maxBytes, progress: progress)
    }

    /// Parses `123`, `750K`, `500M`, `2G` (binary units; a trailing `B`/`iB` is allowed).
    static func bytes(_ text: String) -> Int64? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits.removeLast(suffix.count)
            break
        }
        let multipliers: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824, "T": 1_099_511_627_776]
        var factor = 1.0
        if let last = digits.last, let multiplier = multipliers[last] {
            factor = multiplier
            digits.removeLast()
        }
        guard let number = Double(digits), number > 0, number * factor < 9e18 else { return nil }
        return Int64(number * factor)
    }
}
