import ArgumentParser
import DubKit

/// `dubkit project create NAME`.
struct ProjectCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a project: a folder with its store, media and exports.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The project's name: letters, digits, '-', '_' or '.', at most 64.")
    var name: String

    func validate() throws {
        do {
            _ = try ProjectName(name)
        } catch {
            throw ValidationError(error.errorDescription ?? "\(error)")
        }
    }

    func run() throws {
        let store = try global.resolvedWorkspace.createProject(name)
        let summary = try store.summary()
        if global.json {
            try Output.json(summary)
        } else {
            print("created project \(summary.name) at \(summary.path)")
        }
    }
}
