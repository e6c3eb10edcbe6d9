import ArgumentParser
import DubKit
import DubKitPostgres
import Foundation

/// The options every command takes, before or after the command's name (``Invocation`` moves them
/// to the command that reads them).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace folder that holds the projects (else $DUBKIT_WORKSPACE, else ./projects).",
                                            valueName: "dir"),
            completion: .directory)
    var workspace: String?

    @Option(name: .long, help: ArgumentHelp(
        "The store: postgres://USER@HOST[:PORT]/DATABASE puts projects in PostgreSQL (else $DUBKIT_STORE, else SQLite in the workspace). On PostgreSQL only dub create, dub list and dub show work so far.",
        valueName: "url"))
    var store: String?

    @Flag(name: .long, help: "Print machine-readable JSON instead of tables (errors as JSON on stderr; no progress).")
    var json = false

    @Flag(name: [.customShort("v"), .long], help: "Say more about what is being done, on stderr.")
    var verbose = false

    @Flag(name: [.customShort("q"), .long], help: "Say nothing on stderr but errors and warnings: no progress, no notes.")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("give -v/--verbose or -q/--quiet, not both") }
    }

    /// Whether progress is drawn on stderr: not with `--json` or `-q`/`--quiet`. Every progress
    /// display of `convert`, `export` and `dub run` asks here.
    var showsProgress: Bool { !json && !quiet }

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

    /// Runs `body` with the dub side of `project`'s store: the workspace's SQLite project, or the
    /// project's schema in the PostgreSQL store `--store` (else `DUBKIT_STORE`) names, which
    /// `creating` makes (and migrates) when missing; without it a missing schema is `not_found`.
    func withDubStore<T: Sendable>(_ project: String, creating: Bool = false,
                                   _ body: (any DubStore) async throws -> T) async throws -> T {
        let location = try StoreLocation.resolve(option: store)
        guard case let .postgres(address) = location else { return try await body(open(project)) }
        log("store \(location.description), schema \(project)")
        return try await PostgresStore.withStore(address, schema: project) { store in
            try await store.prepareProject(named: project, creating: creating)
            return try await body(store)
        }
    }

    /// Writes a warning line to stderr (as JSON with --json).
    func warn(_ message: String) {
        let line = json ? String(decoding: (try? JSONOutput.encode(["warning": message], pretty: false)) ?? Data(), as: UTF8.self)
            : Terminal.coloured("warning:", .yellow) + " \(message)"
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes a note (what is being done) to stderr, unless --json or --quiet.
    func note(_ message: String) {
        guard !json && !quiet else { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Writes a line to stderr when --verbose is on.
    func log(_ message: @autoclosure () -> String) {
        guard verbose else { return }
        FileHandle.standardError.write(Data("dubkit: \(message())\n".utf8))
    }
}

/// The `--project` option of commands that work inside one project.
struct ProjectOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project to work in.", valueName: "project"), completion: Completions.projects)
    var project: String
}
