import ArgumentParser
import DubKit
import Foundation

/// `dubkit project list`.
struct ProjectList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the projects in the workspace.")

    @OptionGroup var global: GlobalOptions

    /// One row: the project's summary, or why its folder could not be read as one.
    struct Entry: Encodable {
        var name: String
        var summary: ProjectSummary?
        var problem: String?

        func encode(to encoder: any Encoder) throws {
            if let summary {
                try summary.encode(to: encoder)
            } else {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(name, forKey: .name)
                try container.encode(problem, forKey: .problem)
            }
        }

        enum Keys: String, CodingKey { case name, problem }
    }

    func run() throws {
        let workspace = global.resolvedWorkspace
        if let problem = workspace.oldPluginFolderProblem() {
            global.warn([problem.localizedDescription, problem.recoverySuggestion].compactMap { $0 }.joined(separator: "; "))
        }
        let entries = try workspace.projectNames().map { name in
            do {
                return Entry(name: name, summary: try workspace.openProject(name).summary())
            } catch {
                return Entry(name: name, problem: error.localizedDescription)
            }
        }
        if global.json {
            try Output.json(entries)
            return
        }
        Output.table(
            ["NAME", "DUBS", "VOICES", "DATASETS", "CREDITS", "CREATED"],
            entries.map { entry in
                guard let s = entry.summary else {
                    return [entry.name, "-", "-", "-", "-", "unreadable: \(entry.problem ?? "")"]
                }
                return [s.name, String(s.dubs), String(s.voices), String(s.datasets), String(s.creditsUsed), Output.time(s.createdAt)]
            },
            empty: "no projects in \(workspace.root.path) (create one with `dubkit project create NAME`)")
    }
}
