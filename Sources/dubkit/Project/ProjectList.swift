import ArgumentParser
import DubKit
import Foundation

/// `dubkit project list`.
struct ProjectList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the projects in the workspace.",
        discussion: """
            Examples:
              dubkit project list
              dubkit --json project list
            """)

    @OptionGroup var global: GlobalOptions

    /// One row: the project's summary, or why its folder could not be read as one. Both have the
    /// same keys: a summary's and `problem`, null where there is no value.
    struct Entry: Encodable {
        var name: String
        var path: String
        var summary: ProjectSummary?
        var problem: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            if let summary {
                try summary.encode(to: encoder)
            } else {
                for key in JSONShape.keys(of: ProjectSummary.self) {
                    switch key {
                    case "name": try container.encode(name, forKey: Key(key))
                    case "path": try container.encode(path, forKey: Key(key))
                    default: try container.encodeNil(forKey: Key(key))
                    }
                }
            }
            try container.encode(problem, forKey: Key("problem"))
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    func run() throws {
        let workspace = global.resolvedWorkspace
        if let problem = workspace.oldPluginFolderProblem() {
            global.warn([problem.localizedDescription, problem.recoverySuggestion].compactMap { $0 }.joined(separator: "; "))
        }
        let entries = try workspace.projectNames().map { name in
            let path = workspace.root.appendingPathComponent(name).path
            do {
                return Entry(name: name, path: path, summary: try workspace.openProject(name).summary())
            } catch {
                return Entry(name: name, path: path, problem: error.localizedDescription)
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
