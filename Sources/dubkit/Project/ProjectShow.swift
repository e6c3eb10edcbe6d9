import ArgumentParser
import DubKit

/// `dubkit project show NAME`.
struct ProjectShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a project's folder, counts and credits.",
        discussion: """
            Examples:
              dubkit project show films
              dubkit project show films --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The project's name.", valueName: "project"), completion: Completions.projects)
    var name: String

    func run() throws {
        let summary = try global.open(name).summary()
        if global.json {
            try Output.json(summary)
            return
        }
        let statuses = DubStatus.allCases.compactMap { status in
            summary.dubsByStatus[status.rawValue].map { "\($0) \(status.rawValue)" }
        }
        Output.fields([
            ("name", summary.name),
            ("path", summary.path),
            ("created", Output.time(summary.createdAt)),
            ("dubs", statuses.isEmpty ? "0" : "\(summary.dubs) (\(statuses.joined(separator: ", ")))"),
            ("voices", String(summary.voices)),
            ("datasets", String(summary.datasets)),
            ("exports", String(summary.exports)),
            ("credits used", String(summary.creditsUsed)),
            ("budget", Output.optional(summary.budgetCredits)),
            ("media", "\(summary.mediaBytes) bytes"),
        ])
    }
}
