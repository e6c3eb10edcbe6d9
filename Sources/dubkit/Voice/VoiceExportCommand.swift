import ArgumentParser
import DubKit
import Foundation

/// `dubkit voice export --project P NAME -o FILE`.
struct VoiceExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained voice to a file, to import it into another project.",
        discussion: "The file holds the local engine's profile, or the reference to a remote provider's voice; never a key.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: "The voice's name, with or without PROVIDER:.")
    var name: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write.", valueName: "file"))
    var output: String

    @Flag(help: "Replace the file when it exists.")
    var force = false

    func run() throws {
        let store = try global.open(project.project)
        let voices = try store.voices()
        guard let voice = voices.first(where: { $0.reference == name }) ?? voices.first(where: { $0.name == name }) else {
            throw DubKitError.notFound(entity: .voice, key: name, project: store.name)
        }
        let url = URL(fileURLWithPath: output)
        if FileManager.default.fileExists(atPath: url.path) && !force {
            throw DubKitError.invalidField(field: "-o", value: url.path, allowed: "a file that does not exist yet (or --force)")
        }
        try VoiceExport(voice, project: store.name).write(to: url)
        if global.json { try Output.json(voice) } else { print("voice \(voice.reference) exported to \(url.path)") }
    }
}
