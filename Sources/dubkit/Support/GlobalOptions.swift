import ArgumentParser
import DubKit
import Foundation

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace folder that holds the projects.", valueName: "dir"))
    var workspace: String?

    @Flag(name: .long, help: "Print machine-readable JSON instead of tables.")
    var json = false

    @Flag(name: .long, help: "Say more about what is being done, on stderr.")
    var verbose = false

    /// Whether progress is drawn on stderr: not with `--json`. The one place to add `--quiet`
    /// (every progress display of `convert`, `export` and `dub run` asks here).
    var showsProgress: Bool { !json }

    /// The workspace these options select.
    var resolvedWorkspace: Workspace {
        let resolved = Workspace.resolve(explicit: workspace)
        let fromEnvironment = ProcessInfo.processInfo.environment[Workspace.environmentVariable]?.isEmpty == false
        let source = workspace != nil ? "--workspace" : fromEnvironment ? "$\(Workspace.environmentVariable)" : "the default"
        log("workspace \(resolved.root.path) (from \(source))")
        return resolved
    }

    /// Opens a project of the selected workspace.
    func open(_ project: String) throws(DubKitError) -> ProjectStore {
        let store = try resolvedWorkspace.openProject(project)
        log("opened project \(store.name): \(store.databaseURL.path)")
        return store
    }

    /// Writes a warning line to stderr (as JSON with --json).
    func warn(_ message: String) {
        let line = json ? "{\"warning\":\(String(reflecting: message))}" : "warning: \(message)"
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes a line to stderr when --verbose is on.
    func log(_ message: @autoclosure () -> String) {
        guard verbose else { return }
        FileHandle.standardError.write(Data("dubkit: \(message())\n".utf8))
    }

    /// Moves global options written before the command name (`dubkit --json project list`) to after it,
    /// where the argument parser reads them. Nothing after a `--` is touched.
    static func hoisted(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--json" || argument == "--verbose" || argument.hasPrefix("--workspace=") {
                leading.append(argument)
            } else if argument == "--workspace", index + 1 < arguments.count {
                leading.append(contentsOf: [argument, arguments[index + 1]])
                index += 1
            } else {
                rest = Array(arguments[index...])
                break
            }
            index += 1
        }
        guard !leading.isEmpty, !rest.isEmpty else { return leading + rest }
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
    }
}

/// The `--project` option of commands that work inside one project.
struct ProjectOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project to work in.", valueName: "name"))
    var project: String
}
