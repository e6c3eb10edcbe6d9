import ArgumentParser
import DubKit
import Foundation

/// `dubkit voice import --project P FILE [--name NEW]`.
struct VoiceImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add a voice exported from another project, ready to dub with.",
        discussion: """
            Examples:
              dubkit voice import --project other narrator.json
              dubkit voice import --project other narrator.json --name narrator-copy
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("A file written by `dubkit voice export`.", valueName: "file"), completion: .file(extensions: ["json"]))
    var file: String

    @Option(help: ArgumentHelp("The name to give it here (default: its own).", valueName: "voice-name"))
    var name: String?

    func run() throws {
        let store = try global.open(project.project)
        let export = try VoiceExport.read(URL(fileURLWithPath: file))
        let voice = try store.importVoice(export, name: name, from: file)
        if global.json { try Output.json(voice) } else { print("voice \(voice.reference) imported from \(file): dub with --voice \(voice.reference)") }
    }
}
