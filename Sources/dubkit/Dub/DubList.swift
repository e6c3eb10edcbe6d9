import ArgumentParser
import DubKit

/// `dubkit dub list --project P [--status S]`.
struct DubList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a project's dubs with their status and credits.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Option(help: ArgumentHelp("Only dubs in this status (\(DubStatus.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "status"))
    var status: DubStatus?

    func run() throws {
        let dubs = try global.open(project.project).dubs(status: status)
        if global.json {
            try Output.json(dubs: dubs)
            return
        }
        Output.table(
            ["ID", "STATUS", "VOICE", "SOURCE", "PITCH", "CREDITS", "UPDATED"],
            dubs.map { dub in
                [Output.optional(dub.id), dub.status.rawValue, dub.voice, dub.source, String(dub.pitchShift),
                 String(dub.creditsUsed), Output.time(dub.updatedAt)]
            },
            empty: "no dubs in project \(project.project)")
    }
}

extension DubStatus: ExpressibleByArgument {}
