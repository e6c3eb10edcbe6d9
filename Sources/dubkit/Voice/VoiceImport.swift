import ArgumentParser
import DubKit
import Foundation

/// `dubkit voice import --project P FILE [--name NEW]`.
struct VoiceImport: AsyncParsableCommand {
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

    func run() async throws {
        let store = try global.open(project.project)
        let export = try VoiceExport.read(URL(fileURLWithPath: file))
        // A provider that keeps models here (the local engine) checks the model before it is stored;
        // a provider not installed here takes the voice as the reference it is.
        let checker = try? await Registry.make(global).provider(export.provider) as? any VoiceModelChecking
        let voice = try store.importVoice(export, name: name, from: file, checkedBy: checker)
        if global.json { try Output.json(voice) } else { print("voice \(voice.reference) imported from \(file): dub with --voice \(voice.reference)") }
    }
}
