import ArgumentParser
import DubKitMedia
import Foundation

/// `dubkit media probe FILE`.
struct MediaProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show a media file's container, duration and streams.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The audio or video file.", valueName: "file"))
    var file: String

    func run() throws {
        let info = try MediaProbe.probe(URL(fileURLWithPath: file))
        if global.json {
            try Output.json(info)
            return
        }
        Output.fields([
            ("file", info.path),
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
