import ArgumentParser
import DubKit

/// `dubkit dub show --project P ID`.
struct DubShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one dub: voice, source, parameters, credits, status and stage attempts.",
        discussion: """
            Examples:
              dubkit dub show --project films 3
              dubkit dub show --project films 3 --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dub's id, as `dub list` shows it.", valueName: "dub-id"), completion: Completions.dubIDs)
    var id: Int64

    struct Detail: Encodable {
        var dub: Dub
        var stages: [StageAttempt]
        var chunks: [ChunkLine]?
        /// The runner holding the dub's claim, when one does and may still be working.
        var heldBy: ClaimHolder?
        var paidCalls: [PaidCall]

        func encode(to encoder: any Encoder) throws {
            try dub.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(stages, forKey: .stages)
            try container.encodeIfPresent(chunks, forKey: .chunks)
            try container.encode(heldBy, forKey: .heldBy)
            try container.encode(paidCalls, forKey: .paidCalls)
        }

        enum Keys: String, CodingKey { case stages, chunks, heldBy = "held_by", paidCalls = "paid_calls" }
    }

    /// One chunk of a chunked dub, as `dub show` lists it.
    struct ChunkLine: Encodable {
        var id: Int64
        var index: Int
        var startMs: Int64
        var endMs: Int64
        var status: DubStatus
        var creditsRequired: Int64?
        var creditsUsed: Int64
        var providerJobID: String?
        var errorCode: String?
        var errorMessage: String?

        init(_ chunk: Dub) {
            id = chunk.id ?? 0
            index = chunk.chunkIndex ?? 0
            startMs = chunk.chunkStartMs ?? 0
            endMs = chunk.chunkEndMs ?? 0
            status = chunk.status
            creditsRequired = chunk.creditsRequired
            creditsUsed = chunk.creditsUsed
            providerJobID = chunk.providerJobID
            errorCode = chunk.errorCode
            errorMessage = chunk.errorMessage
        }

        enum CodingKeys: String, CodingKey {
            case id, index, startMs = "start_ms", endMs = "end_ms", status, creditsRequired = "credits_required"
            case creditsUsed = "credits_used", providerJobID = "provider_job_id", errorCode = "error_code", errorMessage = "error_message"
        }
    }

    func run() async throws {
        try await global.withDubStore(project.project) { store in try await show(in: store) }
    }

    private func show(in store: any DubStore) async throws {
        let dub = try await store.dub(id)
        let stages = try await store.stageAttempts(dub: id)
        let chunks = dub.isChunked ? try await store.chunks(of: id).map(ChunkLine.init) : nil
        let holder = try await store.holder(of: .dub(id)).flatMap { $0.isLive() ? $0 : nil }
        let paid = try await store.paidCalls(dub: id)
        if global.json {
            try Output.json(Detail(dub: dub.forOutput, stages: stages, chunks: chunks, heldBy: holder, paidCalls: paid))
            return
        }
        var lines: [(String, String)] = [
            ("id", Output.optional(dub.id)),
            ("status", dub.status.rawValue),
            ("voice", dub.voice),
            ("source", "\(dub.sourceKind.rawValue) \(dub.shownSource)"),
            ("link download", dub.sourceKind == .link ? dub.linkMediaHash.map { "sha256 \($0)" } ?? "not yet" : "-"),
            ("pitch shift", "\(dub.pitchShift) semitones"),
            ("separate", dub.separate ? "yes" : "no"),
            ("parameters", dub.parameters.json),
            ("input", dub.inputDurationMs.map { "\(Double($0) / 1000) s" } ?? "-"),
            ("credits", "\(dub.creditsUsed) used, \(Output.optional(dub.creditsRequired)) required"),
            ("provider job", Output.optional(dub.providerJobID)),
            ("held by", holder.map { "\($0.description), fence \($0.fence)" } ?? "-"),
            ("result", Output.optional(dub.resultMediaHash)),
            ("sync", dub.syncReport.map { sync in
                "\(sync.flagged ? "OUT OF SYNC: " : "")drift up to \(sync.maxDriftMs) ms over \(sync.segments.count) segments"
                    + ", length \(sync.lengthDifferenceMs >= 0 ? "+" : "")\(sync.lengthDifferenceMs) ms"
                    + (sync.unmatchedSegments > 0 ? ", \(sync.unmatchedSegments) source segments unmatched" : "")
            } ?? "-"),
            ("created", Output.time(dub.createdAt)),
            ("updated", Output.time(dub.updatedAt)),
        ]
        if let code = dub.errorCode {
            lines.append(("error", "\(code): \(dub.errorMessage ?? "")"))
        }
        if let parent = dub.parentID {
            lines.append(("chunk", "\((dub.chunkIndex ?? 0) + 1) of dub \(parent): \(ChunkSpan.clock(dub.chunkStartMs ?? 0))"
                          + "-\(ChunkSpan.clock(dub.chunkEndMs ?? 0)) of its source"))
        }
        if let seconds = dub.chunkSeconds {
            lines.append(("chunk length", "at most \(seconds) s (--chunk)"))
        }
        Output.fields(lines)
        if let chunks {
            print("")
            Output.table(
                ["CHUNK", "DUB", "SPAN", "STATUS", "CREDITS", "ERROR"],
                chunks.map { chunk in
                    ["\(chunk.index + 1)/\(chunks.count)", String(chunk.id),
                     "\(ChunkSpan.clock(chunk.startMs))-\(ChunkSpan.clock(chunk.endMs))", chunk.status.rawValue,
                     "\(chunk.creditsUsed) used, \(Output.optional(chunk.creditsRequired)) required",
                     chunk.errorCode.map { "\($0): \(chunk.errorMessage ?? "")" } ?? ""]
                },
                empty: "")
        }
        if !paid.isEmpty {
            print("")
            Output.table(
                ["PAID CALL", "OPERATION", "STATE", "CREDITS", "SENDS", "JOB", "OPENED", "NOTE"],
                paid.map { call in
                    [Output.optional(call.id), call.operation.rawValue, call.state.rawValue, String(call.credits), String(call.sends),
                     Output.optional(call.jobID), Output.time(call.openedAt), call.note ?? ""]
                },
                empty: "")
        }
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
