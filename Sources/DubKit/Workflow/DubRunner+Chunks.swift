import DubKitMedia
import Foundation

/// Long inputs: a dub whose audio is longer than its provider takes (or than `dub create --chunk`)
/// is cut in pauses into chunks, each a dub of its own under it (`parentID`) with its own stage
/// attempts, so a chunk that fails or is cut off is run again alone and a finished one is never
/// paid again. The parent's stages drive its chunks and join their results.
extension DubRunner {
    /// Chunks run at the same time for one dub when the provider sets no job limit.
    static let defaultChunkJobs = 2

    /// The dub's input audio in the media store: a chunk's is there already (its parent cut it);
    /// anything else is extracted to a 44.1 kHz WAV.
    func sourceAudio(of dub: Dub, from source: URL) async throws -> StoredAudio {
        if dub.parentID != nil, let hash = dub.sourceMediaHash, store.media.contains(hash) {
            let url = store.media.url(for: hash)
            let layout = try RawAudioWAV.layout(of: url)
            let frames = layout.dataBytes / Int64(max(1, layout.channels * layout.bitsPerSample / 8))
            return StoredAudio(ref: MediaRef(hash: hash, byteCount: layout.dataOffset + layout.dataBytes),
                               durationSeconds: Double(frames) / Double(layout.sampleRate),
                               sampleRate: layout.sampleRate, channels: layout.channels)
        }
        return try await store.media.importAudio(from: source, sampleRate: 44_100)
    }

    /// Cuts the uploading dub's stored audio into chunks when it is longer than the provider takes or
    /// than the user asked, stores each chunk's audio and makes the chunks, ending the upload `attempt`;
    /// false when the audio goes to the provider whole. Run again after a crash, it finds the same cuts
    /// and the same stored files, and chunks made before are not made again.
    func splitIfNeeded(_ dub: Dub, id: Int64, audio: StoredAudio, attempt: StageAttempt) async throws -> Bool {
        guard dub.parentID == nil,
              let limit = ChunkPlanner.limitSeconds(provider.descriptor.limits, bytesPerSecond: audio.sampleRate * audio.channels * 2,
                                                    chunkSeconds: dub.chunkSeconds),
              audio.durationSeconds > limit else { return false }
        let source = store.media.url(for: audio.ref.hash)
        let layout = try RawAudioWAV.layout(of: source)
        let totalFrames = layout.dataBytes / Int64(layout.channels * 2)
        report("dub \(id): \(String(format: "%.1f", audio.durationSeconds)) s is over the \(String(format: "%.0f", limit)) s a chunk may last; finding the pauses to cut in")
        let levels = try SyncAnalyzer.envelope(source)
        let spans = try ChunkPlanner.plan(levels: levels, totalMs: totalFrames * 1000 / Int64(layout.sampleRate),
                                          maxChunkMs: Int64(limit * 1000))
        guard spans.count > 1 else { return false }
        // The whole audio, which the joined chunks are compared with.
        try store.updateDub(id, registering: [audio.ref]) { $0.sourceMediaHash = audio.ref.hash }
        var refs: [MediaRef] = []
        for span in spans {
            let start = ChunkSpan.sample(atMs: span.startMs, sampleRate: layout.sampleRate)
            let end = span.index == spans.count - 1 ? totalFrames : ChunkSpan.sample(atMs: span.endMs, sampleRate: layout.sampleRate)
            refs.append(try store.media.write { sink in try PCMWAVSlice.write(source, frames: start..<end, to: sink) })
        }
        let chunks = try store.createChunks(of: id, spans: spans, media: refs, finishing: attempt)
        report("dub \(id): split into \(chunks.count) chunks at "
               + spans.dropLast().map { ChunkSpan.clock($0.endMs - ChunkPlanner.overlapMs) }.joined(separator: ", "))
        return true
    }

    /// One step of a chunked dub: each of its stages waits for its chunks to pass the same stage.
    func advanceChunked(_ dub: Dub) async throws {
        switch dub.status {
        case .new, .uploading: _ = try await upload(dub)
        case .uploaded, .preprocessing: try await preprocessChunks(dub)
        case .preprocessed: try await generateChunks(dub)
        case .queued, .starting, .processing: try await generateChunksRunning(dub)
        case .finalizing: try await joinChunks(dub)
        case .done, .error, .cancelled: break
        }
    }

    /// Preprocess: every chunk uploaded and preprocessed; the dub's credits are the sum of its
    /// chunks' (each rounded by the provider's rule on its own).
    private func preprocessChunks(_ dub: Dub) async throws {
        guard let id = dub.id else { return }
        if dub.status == .uploaded { try store.transitionDub(id, to: .preprocessing) }
        let attempt = try begin(.preprocess, dub: id, jobID: nil)
        let chunks = try await runChunks(of: id, until: [.preprocessed, .queued, .starting, .processing, .finalizing])
        if try failFromChunks(id, chunks) { return }
        let required = chunks.compactMap(\.creditsRequired).reduce(0, +)
        try store.updateDub(id) {
            $0.inputDurationMs = chunks.last?.chunkEndMs
            $0.creditsRequired = required
        }
        try store.finishStage(attempt, outcome: .succeeded, then: .preprocessed)
        report("dub \(id): \(chunks.count) chunks preprocessed, \(required) credits")
    }

    /// Generate: the budget must hold every chunk not yet sent before the first is; each chunk's own
    /// generate then checks it again and records its intent as any dub's does.
    private func generateChunks(_ dub: Dub) async throws {
        guard let id = dub.id else { return }
        let unsent = try store.unsentChunkCredits(of: id)
        if let limit = try budget ?? store.info().budgetCredits {
            let committed = try store.committedCredits()
            if committed + unsent > limit {
                throw DubKitError.budgetExceeded(dub: id, required: unsent, committed: committed, budget: limit)
            }
        }
        let attempt = try begin(.generate, dub: id, jobID: nil)
        try store.finishStage(attempt, outcome: .succeeded, then: .queued)
        report("dub \(id): generating its chunks (\(unsent) credits)")
    }

    /// While the chunks are generated and downloaded; once all are done, the dub goes on to the join.
    private func generateChunksRunning(_ dub: Dub) async throws {
        guard let id = dub.id else { return }
        if dub.status != .processing { try store.transitionDub(id, to: .processing) }
        let chunks = try await runChunks(of: id, until: [])
        if try failFromChunks(id, chunks) { return }
        try store.transitionDub(id, to: .finalizing)
    }

    /// Download: the chunks' results joined, each crossfaded into the next over their overlap, into
    /// one track as long as the source when the provider kept the chunks' lengths; then the sync
    /// report against the whole source.
    private func joinChunks(_ dub: Dub) async throws {
        guard let id = dub.id else { return }
        let attempt = try begin(.download, dub: id, jobID: nil)
        let chunks = try store.chunks(of: id)
        var parts: [URL] = []
        for chunk in chunks {
            guard chunk.status == .done, let hash = chunk.resultMediaHash, store.media.contains(hash) else {
                throw DubKitError.invalidField(field: "chunk \((chunk.chunkIndex ?? 0) + 1) of dub \(id) (dub \(chunk.id ?? 0))",
                                               value: chunk.status.rawValue,
                                               allowed: "done with its result stored; run `dubkit dub retry \(id)`")
            }
            parts.append(store.media.url(for: hash))
        }
        guard let sourceHash = dub.sourceMediaHash, store.media.contains(sourceHash) else {
            throw DubKitError.invalidField(field: "dub \(id) source audio", value: dub.sourceMediaHash ?? "none",
                                           allowed: "the audio its upload stored; run `dubkit dub retry \(id)`")
        }
        let source = store.media.url(for: sourceHash)
        let rate = try RawAudioWAV.layout(of: source).sampleRate
        let overlaps = zip(chunks, chunks.dropFirst()).map { before, after in
            Int(ChunkSpan.sample(atMs: before.chunkEndMs ?? 0, sampleRate: rate)
                - ChunkSpan.sample(atMs: after.chunkStartMs ?? 0, sampleRate: rate))
        }
        try FileManager.default.createDirectory(at: store.media.incoming, withIntermediateDirectories: true)
        let temp = store.media.incoming.appendingPathComponent("join-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: temp) }
        report("dub \(id): joining \(chunks.count) chunks")
        let joined = try AudioJoiner.join(parts, overlaps: overlaps, sampleRate: rate, to: temp)
        let ref = try store.media.adopt(temp)
        let sync = try? SyncAnalyzer.compare(source: source, dubbed: store.media.url(for: ref.hash))
        let used = chunks.map(\.creditsUsed).reduce(0, +)
        try store.updateDub(id, registering: [ref]) { $0.resultMediaHash = ref.hash; $0.syncReport = sync; $0.creditsUsed = used }
        if let sync, sync.flagged {
            report("dub \(id): out of sync: segments drift up to \(sync.maxDriftMs) ms, length differs by \(sync.lengthDifferenceMs) ms")
        }
        try store.finishStage(attempt, outcome: .succeeded, then: .done)
        report("dub \(id): done, \(chunks.count) chunks joined, \(String(format: "%.3f", joined.durationSeconds)) s")
    }

    /// Runs the chunks of `parent` that are not final and not at one of `stops`, at most the provider's
    /// job width at a time; once one fails (or the budget stops one) no further chunk starts. Returns
    /// the chunks as stored after; rethrows the first error a chunk's run threw (the budget's included).
    func runChunks(of parent: Int64, until stops: Set<DubStatus>) async throws -> [Dub] {
        // The parent is no job at the provider: the slot a batch gave it goes to its chunks.
        await JobSlots.held?.release()
        let chunks = try store.chunks(of: parent)
        let count = chunks.count
        let slots = jobSlots ?? JobSlots(provider.descriptor.limits.maxConcurrentJobs ?? Self.defaultChunkJobs)
        let halted = ChunkHalt()
        // A chunk's lines say whose chunk it is: "dub 7 chunk 2/5 (dub 9): …".
        let labels = Dictionary(uniqueKeysWithValues: chunks.compactMap { chunk in
            chunk.id.map { ($0, "dub \(parent) chunk \((chunk.chunkIndex ?? 0) + 1)/\(count) (dub \($0))") }
        })
        var runner = DubRunner(store: store, provider: provider, pollInterval: pollInterval, budget: budget, links: links,
                               report: { [report] line in
                                   guard line.hasPrefix("dub "), let colon = line.firstIndex(of: ":"),
                                         let id = Int64(line[line.index(line.startIndex, offsetBy: 4)..<colon]),
                                         let label = labels[id] else { return report(line) }
                                   report(label + line[colon...])
                               },
                               progress: { _ in })
        runner.retryDelay = retryDelay
        runner.maxTransientFailures = maxTransientFailures
        runner.jobSlots = slots
        runner.leaseSeconds = leaseSeconds
        let child = runner
        let thrown = await withTaskGroup(of: (Int, Error?).self) { group in
            for chunk in chunks where !chunk.status.isFinal && chunk.status != .error && !stops.contains(chunk.status) {
                guard let id = chunk.id else { continue }
                let index = chunk.chunkIndex ?? 0
                group.addTask {
                    await slots.run {
                        if await halted.isSet { return (index, nil) }
                        do {
                            let after = try await child.run(id, until: stops)
                            if after.status == .error || after.status == .cancelled { await halted.set() }
                            return (index, nil)
                        } catch {
                            await halted.set()
                            return (index, error)
                        }
                    }
                }
            }
            var errors: [(Int, Error)] = []
            for await (index, error) in group {
                if let error { errors.append((index, error)) }
            }
            return errors.sorted { $0.0 < $1.0 }.first?.1
        }
        let after = try store.chunks(of: parent)
        if after.contains(where: { $0.status == .error || $0.status == .cancelled }) { return after }
        if let thrown { throw thrown }
        guard after.count == count else {
            throw DubKitError.storage(path: store.databaseURL.path, reason: "dub \(parent) had \(count) chunks and now has \(after.count)")
        }
        return after
    }

    /// Ends `parent` in error with the failure of its first chunk in error (or cancelled); true when it did.
    func failFromChunks(_ parent: Int64, _ chunks: [Dub]) throws -> Bool {
        guard let bad = chunks.first(where: { $0.status == .error || $0.status == .cancelled }) else { return false }
        let which = "chunk \((bad.chunkIndex ?? 0) + 1) of \(chunks.count) (dub \(bad.id ?? 0))"
        let failure = bad.status == .cancelled
            ? FailureInfo(code: "chunk_cancelled", message: "\(which) was cancelled; the dub cannot be joined without it")
            : FailureInfo(code: bad.errorCode ?? "chunk_failed",
                          message: "\(which) failed: \(bad.errorMessage ?? "no message"); "
                            + "`dubkit dub retry \(parent)` retries the failed chunks only")
        try fail(parent, failure)
        return true
    }

    /// `dub retry` of a chunked dub: its chunks in error are retried (each asks the provider where its
    /// job stands, as any dub's retry does), finished chunks are left alone, and the dub goes back
    /// to the stage it failed in.
    func retryChunked(_ dub: Dub, failedFrom: DubStatus, allowRepay: Bool) async throws -> DubRetry {
        let id = dub.id ?? 0
        var notes: [String] = []
        var newJob = false
        for chunk in try store.chunks(of: id) where chunk.status == .error {
            guard let chunkID = chunk.id else { continue }
            let plan = try await retry(chunkID, allowRepay: allowRepay)
            newJob = newJob || plan.newJob
            notes.append("chunk \((chunk.chunkIndex ?? 0) + 1) (dub \(chunkID)): \(plan.reason)")
        }
        let (resumesAt, stage): (DubStatus, StageAttempt.Stage) = switch failedFrom {
        case .new, .uploading: (.uploading, .upload)
        case .uploaded, .preprocessing: (.preprocessing, .preprocess)
        case .preprocessed: (.preprocessed, .generate)
        case .finalizing, .done: (.finalizing, .download)
        case .queued, .starting, .processing, .error, .cancelled: (.queued, .generate)
        }
        let attempt = (try store.lastAttempt(stage, dub: id)?.attempt ?? 0) + 1
        let reason = notes.isEmpty ? "continue from \(resumesAt.rawValue); no chunk had failed"
            : "retry \(notes.count == 1 ? "the failed chunk" : "\(notes.count) failed chunks") only: " + notes.joined(separator: "; ")
        try store.transitionDub(id, to: resumesAt, message: "retry: \(reason)")
        return DubRetry(resumesAt: resumesAt, attempt: attempt, newJob: newJob, reason: reason)
    }

    /// `dub cancel` of a chunked dub: each unfinished chunk is cancelled (its provider job stopped when
    /// it can be). Returns a note on what happened at the provider.
    func cancelChunks(of parent: Int64) async throws -> String {
        var notes: [String] = []
        for chunk in try store.chunks(of: parent) where !chunk.status.isFinal {
            guard let id = chunk.id else { continue }
            notes.append("chunk \((chunk.chunkIndex ?? 0) + 1): \(try await cancel(id))")
        }
        return notes.isEmpty ? "no chunk was running" : notes.joined(separator: "; ")
    }
}

/// Set once a chunk fails, so the chunks still waiting for a slot do not start.
actor ChunkHalt {
    private(set) var isSet = false

    func set() { isSet = true }
}
