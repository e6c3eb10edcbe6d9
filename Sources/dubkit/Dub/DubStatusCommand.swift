import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub status --project P [ID…] [--watch]`.
struct DubStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where dubs stand; with --watch, follow them until none is moving.",
        discussion: """
            With --watch, a terminal shows one line per dub redrawn in place; otherwise a line is \
            printed (a JSON object per line with --json) each time a dub's status changes.

            Examples:
              dubkit dub status --project films
              dubkit dub status --project films --watch --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dubs' ids (default: every dub of the project).", valueName: "dub-id"), completion: Completions.dubIDs)
    var ids: [Int64] = []

    @Flag(help: "Keep following until every dub is done, cancelled or in error.")
    var watch = false

    @Option(help: ArgumentHelp("Seconds between two looks at the store with --watch.", valueName: "s"))
    var interval = 1.0

    func validate() throws {
        guard interval > 0 && interval <= 60 else { throw ValidationError("--interval must be above 0 and at most 60 seconds") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let selected = { () throws -> [Dub] in
            ids.isEmpty ? try store.dubs() : try ids.map { try store.dub($0) }
        }
        let settled = { (dubs: [Dub]) in dubs.allSatisfy { $0.status.isFinal || $0.status == .error } }
        guard watch else {
            let dubs = try selected()
            if global.json { try Output.json(dubs.map(\.forOutput)); return }
            let holders = try store.dubHolders().filter { $0.value.isLive() }
            for dub in dubs {
                let held = dub.id.flatMap { holders[$0] }.map { "  held by \($0.description)" } ?? ""
                print(DubBoard.line(dub, in: store) + held)
            }
            return
        }
        if !global.json && Terminal.drawsInPlace {
            let board = DubBoard(store: store, ids: try selected().compactMap(\.id))
            board.start()
            while !settled(try selected()) { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
            board.stop()
            return
        }
        // A line each time a dub's status changes, or (off --json) its line does: a chunk done.
        var seen: [Int64: String] = [:]
        while true {
            let dubs = try selected()
            for dub in dubs {
                let line = DubBoard.line(dub, in: store)
                let key = global.json ? dub.status.rawValue : line
                guard seen[dub.id ?? 0] != key else { continue }
                seen[dub.id ?? 0] = key
                if global.json { try Output.jsonLine(dub.forOutput) } else { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            }
            if settled(dubs) { return }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }
}
