import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub list --project P [--status S]`.
struct DubList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a project's dubs with their status and credits.",
        discussion: """
            Examples:
              dubkit dub list --project films
              dubkit dub list --project films --status error --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Option(help: ArgumentHelp("Only dubs in this status (\(DubStatus.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "status"))
    var status: DubStatus?

    @Flag(help: "Also list the chunks long dubs were cut into (each a dub of its own, under its parent).")
    var chunks = false

    func run() async throws {
        let (dubs, damaged) = try await global.withDubStore(project.project) { store in
            try await store.dubListing(status: status, chunks: chunks)
        }
        if global.json {
            try Output.json(dubs: dubs, damaged: damaged.map { DamagedRecord.Listed($0, project: project.project) })
            return
        }
        // A row that cannot be read is listed in its place, marked damaged; the reason goes to stderr.
        var rows: [(id: Int64, cells: [String])] = dubs.map { dub in
            let part = dub.parentID.map { "#\((dub.chunkIndex ?? 0) + 1) of dub \($0)" } ?? dub.chunkCount.map(String.init) ?? "-"
            let source = dub.parentID == nil ? dub.shownSource
                : "\(ChunkSpan.clock(dub.chunkStartMs ?? 0))-\(ChunkSpan.clock(dub.chunkEndMs ?? 0)) of its parent's source"
            return (dub.id ?? 0, [Output.optional(dub.id), dub.status.rawValue, dub.voice, source, String(dub.pitchShift),
                                  String(dub.creditsUsed), part, Output.time(dub.updatedAt)])
        }
        for record in damaged {
            rows.append((record.id, [String(record.id), "damaged", "-", "\(record.field) is \(record.value)", "-", "-", "-", "-"]))
            ErrorReport.warning(record.error(project: project.project))
        }
        Output.table(
            ["ID", "STATUS", "VOICE", "SOURCE", "PITCH", "CREDITS", "CHUNKS", "UPDATED"],
            rows.sorted { $0.id < $1.id }.map(\.cells),
            empty: "no dubs in project \(project.project)")
    }
}

extension DubStatus: ExpressibleByArgument {}
