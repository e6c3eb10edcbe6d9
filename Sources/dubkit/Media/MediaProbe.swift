import ArgumentParser
import DubKit
import DubKitMedia
import Foundation

/// `dubkit media probe FILE|URL`.
struct MediaProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show a media file's container, duration and streams.",
        discussion: """
            An http(s) link is downloaded first: into the project's media store with --project (kept, \
            by hash), otherwise into a temporary folder removed afterwards.

            Examples:
              dubkit media probe talk.mp4
              dubkit media probe https://example.com/talk.mp4 --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var download: DownloadOptions

    @Argument(help: ArgumentHelp("The audio or video file, or an http(s) link to one.", valueName: "file|url"))
    var file: String

    @Option(help: ArgumentHelp("Keep a link's download in this project's media store.", valueName: "project"), completion: Completions.projects)
    var project: String?

    func run() async throws {
        let input = try await MediaInputFile.resolve(file, project: project, global: global, download: download)
        defer { input.cleanUp() }
        var info = try MediaProbe.probe(input.url)
        if let downloaded = input.downloaded { info.path = downloaded.link }
        if global.json {
            try Output.json(LinkedResult(result: info, download: input.downloaded))
            return
        }
        Output.fields([
            ("file", info.path)] + (input.downloaded.map { [("sha256", $0.ref.hash)] } ?? []) + [
            ("format", info.formatDescription.map { "\(info.formatName) (\($0))" } ?? info.formatName),
            ("duration", info.durationSeconds.map { String(format: "%.3f s", $0) } ?? "-"),
            ("bit rate", info.bitRate.map { "\($0 / 1000) kb/s" } ?? "-"),
        ])
        print("")
        Output.table(
            ["INDEX", "KIND", "CODEC", "DETAILS", "LANGUAGE", "DEFAULT"],
            info.streams.map { stream in
                [String(stream.index), stream.kind.rawValue, stream.codecName, details(stream),
                 stream.language ?? "-", stream.isDefault ? "yes" : "no"]
            },
            empty: "no streams")
    }

    private func details(_ stream: MediaStreamInfo) -> String {
        switch stream.kind {
        case .audio:
            let layout = stream.channelLayout ?? stream.channels.map { "\($0) ch" } ?? "?"
            return "\(stream.sampleRate.map(String.init) ?? "?") Hz, \(layout)"
        case .video:
            let size = "\(stream.width ?? 0)x\(stream.height ?? 0)"
            return stream.frameRate.map { size + String(format: ", %.3g fps", $0) } ?? size
        default:
            return "-"
        }
    }
}
