import ArgumentParser
import DubKit
import Foundation

/// `dubkit review --project P [-o DIR]`.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Write a review page of a project: every dub's original and dubbed audio, heard and seen side by side.",
        discussion: """
            The page is a static folder (index.html, media/, images/) with nothing fetched from elsewhere: \
            open it in a browser. For each dub it shows players, waveform and spectrogram pictures of both \
            sides, the voice, provider, parameters, credits and each stage's times; for each dataset, its \
            files and their figures. The project's own review/ folder is rewritten each time; a folder \
            named with -o that exists is replaced only with --force.

            Examples:
              dubkit review --project films
              dubkit review --project films -o /tmp/films-review --force
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Option(name: .shortAndLong, help: ArgumentHelp("The folder to write (default: the project's review/).", valueName: "dir"))
    var output: String?

    @OptionGroup var overwrite: OverwriteOption

    func run() async throws {
        try overwrite.check(output)
        let store = try global.open(project.project)
        let folder = output.map { URL(fileURLWithPath: $0) } ?? store.folder.appendingPathComponent("review", isDirectory: true)
        let json = global.json
        let index = try await ReviewPage(store: store).write(to: folder) { line in
            global.note(line)
        }
        if json {
            try Output.json(["page": index.path])
        } else {
            print("review page: \(index.path)")
        }
    }
}
