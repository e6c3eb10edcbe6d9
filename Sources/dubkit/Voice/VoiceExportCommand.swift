import ArgumentParser
import DubKit
import Foundation

/// `dubkit voice export --project P NAME -o FILE`.
struct VoiceExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained voice to a file, to import it into another project.",
        discussion: """
            The file holds the local engine's profile, or the reference to a remote provider's voice; never a key.

            Examples:
              dubkit voice export --project films narrator-v -o narrator.json
              dubkit voice export --project films local:narrator-v -o nv.json --force
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The voice's name, with or without PROVIDER:.", valueName: "voice"), completion: Completions.voiceNames)
    var name: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write.", valueName: "file"))
    var output: String

    @OptionGroup var overwrite: OverwriteOption

    func run() throws {
        try overwrite.check(output)
        let store = try global.open(project.project)
        let voices = try store.voices()
        guard let voice = voices.first(where: { $0.reference == name }) ?? voices.first(where: { $0.name == name }) else {
            throw DubKitError.notFound(entity: .voice, key: name, project: store.name)
        }
        let url = URL(fileURLWithPath: output)
        try VoiceExport(voice, project: store.name).write(to: url)
        if global.json { try Output.json(voice) } else { print("voice \(voice.reference) exported to \(url.path)") }
    }
}
