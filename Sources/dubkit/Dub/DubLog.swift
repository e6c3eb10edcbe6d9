import ArgumentParser
import DubKit

/// `dubkit dub log --project P ID`.
struct DubLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the events of one dub, with their times.",
        discussion: """
            A deleted dub's log is kept and shown too, ending with its `deleted` note.

            Examples:
              dubkit dub log --project films 3
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dub's id.", valueName: "dub-id"), completion: Completions.dubIDs)
    var id: Int64

    func run() throws {
        let store = try global.open(project.project)
        let events = try store.events(of: .dub, id: id)
        do {
            _ = try store.dub(id)
        } catch {
            // A deleted dub's log is kept, ending with its `deleted` note.
            guard case .notFound = error, !events.isEmpty else { throw error }
        }
        if global.json {
            try Output.json(events)
            return
        }
        Output.table(
            ["TIME", "EVENT", "STATUS", "MESSAGE"],
            events.map { event in
                let change = switch (event.fromStatus, event.toStatus) {
                case let (from?, to?): "\(from) -> \(to)"
                case let (nil, to?): to
                default: ""
                }
                return [Output.time(event.at), event.kind.rawValue, change, event.message ?? ""]
            },
            empty: "no events for dub \(id)")
    }
}
