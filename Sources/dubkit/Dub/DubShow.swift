import ArgumentParser
import DubKit

/// `dubkit dub show --project P ID`.
struct DubShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one dub: voice, source, parameters, credits, status and stage attempts.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: "The dub's id, as `dub list` shows it.")
    var id: Int64

    struct Detail: Encodable {
        var dub: Dub
        var stages: [StageAttempt]

        func encode(to encoder: any Encoder) throws {
            try dub.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(stages, forKey: .stages)
        }

        enum Keys: String, CodingKey { case stages }
    }

    func run() throws {
        let store = try global.open(project.project)
        let dub = try store.dub(id)
        let stages = try store.stageAttempts(dub: id)
        if global.json {
            try Output.json(Detail(dub: dub, stages: stages))
            return
        }
        var lines: [(String, String)] = [
            ("id", Output.optional(dub.id)),
            ("status", dub.status.rawValue),
            ("voice", dub.voice),
            ("source", "\(dub.sourceKind.rawValue) \(dub.source)"),
            ("link download", dub.sourceKind == .link ? dub.linkMediaHash.map { "sha256 \($0)" } ?? "not yet" : "-"),
            ("pitch shift", "\(dub.pitchShift) semitones"),
            ("separate", dub.separate ? "yes" : "no"),
            ("parameters", dub.parameters.json),
            ("input", dub.inputDurationMs.map { "\(Double($0) / 1000) s" } ?? "-"),
            ("credits", "\(dub.creditsUsed) used, \(Output.optional(dub.creditsRequired)) required"),
            ("provider job", Output.optional(dub.providerJobID)),
            ("result", Output.optional(dub.resultMediaHash)),
            ("created", Output.time(dub.createdAt)),
            ("updated", Output.time(dub.updatedAt)),
        ]
        if let code = dub.errorCode {
            lines.append(("error", "\(code): \(dub.errorMessage ?? "")"))
        }
        Output.fields(lines)
        if !stages.isEmpty {
            print("")
            Output.table(
                ["STAGE", "ATTEMPT", "OUTCOME", "JOB", "STARTED", "FINISHED", "ERROR"],
                stages.map { s in
                    [s.stage.rawValue, String(s.attempt), s.outcome.rawValue, Output.optional(s.providerJobID),
                     Output.time(s.startedAt), Output.time(s.finishedAt),
                     s.errorCode.map { "\($0): \(s.errorMessage ?? "")" } ?? ""]
                },
                empty: "")
        }
    }
}
