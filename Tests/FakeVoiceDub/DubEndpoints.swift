import Foundation

/// The dub operations: create, preprocess, generate, get.
extension FakeVoiceDubCore {
    func createDub(_ body: Data, failure: FakeDub.Failure?) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader(body: body)
        let voiceID = reader.string("voiceId", required: true, format: "uuid")
        let link = reader.string("link", format: "uri")
        let pitchShift = reader.integer("pitchShift", range: -24...24, fallback: 0)
        let separate = reader.boolean("separate", fallback: true)
        try reader.check()
        guard let voiceID = voiceID?.lowercased(), let pitchShift else { throw .invalidArguments(reader.invalid) }
        return try locked { core throws(VoiceDubAPIError) -> JSONNode in
            guard core.catalogue.contains(voiceID) || core.currentVoice(voiceID)?.status == .done else {
                throw .voiceNotFound()
            }
            var dub = FakeDub(id: UUID().uuidString.lowercased(), voiceID: voiceID, link: link, separate: separate,
                              pitchShift: Int(pitchShift), now: Date())
            dub.pendingFailure = failure
            core.store(dub)
            let uploadURL: JSONNode = link == nil ? .string(core.issue(.dubInput(dubID: dub.id))) : .null
            return .object(["dub": dub.node, "uploadUrl": uploadURL])
        }
    }

    func getDub(_ rawID: String, failure: FakeDub.Failure?) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader()
        let id = reader.pathUUID("dubId", rawID)
        try reader.check()
        return try locked { core throws(VoiceDubAPIError) -> JSONNode in
            guard var dub = core.currentDub(id) else { throw .notFound("Dub") }
            if let failure, dub.status.next != nil {
                dub.pendingFailure = failure
                core.store(dub)
            }
            return .object(["dub": dub.node])
        }
    }

    func preprocessDub(_ rawID: String, failure: FakeDub.Failure?) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader()
        let id = reader.pathUUID("dubId", rawID)
        try reader.check()
        let started = try locked { core throws(VoiceDubAPIError) -> FakeDub in
            guard var dub = core.currentDub(id) else { throw .notFound("Dub") }
            guard dub.status == .new else { throw .dubIsNotNew() }
            dub.preprocessCalls += 1
            dub.enter(.preprocessing, at: Date())
            if let failure { dub.pendingFailure = failure }
            core.store(dub)
            return dub
        }
        let outcome = measure(started)
        return locked { core in
            guard var dub = core.storedDub(id) else { return .object(["dub": started.node]) }
            switch outcome {
            case .success(let rendered):
                dub.measuredDurationMs = rendered.milliseconds
                dub.resultFile = rendered.file
            case .failure(let problem):
                if dub.pendingFailure == nil { dub.pendingFailure = problem }
            }
            core.store(dub)
            return .object(["dub": started.node])
        }
    }

    func generateDub(_ rawID: String, failure: FakeDub.Failure?) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader()
        let id = reader.pathUUID("dubId", rawID)
        try reader.check()
        return try locked { core throws(VoiceDubAPIError) -> JSONNode in
            guard var dub = core.currentDub(id) else { throw .notFound("Dub") }
            guard dub.status == .preprocessed, let required = dub.requiredCredits else { throw .dubIsNotPreprocessed() }
            guard required <= core.accountCredits else {
                throw .notEnoughCredits(required: required, left: core.accountCredits)
            }
            core.accountCredits -= required
            dub.apiCreditsUsed = required
            dub.apiCreditsLeft = core.accountCredits
            dub.generateCalls += 1
            dub.enter(.queued, at: Date())
            if let failure { dub.pendingFailure = failure }
            core.store(dub)
            return .object(["dub": dub.node])
        }
    }

    /// Gets the dub's input (its upload, a fetched 127.0.0.1 link, or a tone standing in for a
    /// remote link) and renders the result; the outcome decides how preprocessing ends.
    private func measure(_ dub: FakeDub) -> Result<(milliseconds: Int64, file: URL), FakeDub.Failure> {
        var input = dub.inputFile
        if let link = dub.link, let url = URL(string: link) {
            let fetched = storage.path("\(dub.id)-link")
            if ["127.0.0.1", "localhost"].contains(url.host ?? "") {
                guard DubInputMedia.fetch(url, to: fetched) else {
                    return .failure(.init(code: "link_unreachable", message: "The link could not be downloaded"))
                }
            } else {
                do {
                    try DubInputMedia.writeTone(fetched, seconds: FakeVoiceDubCore.seconds(options.remoteLinkDuration))
                } catch {
                    return .failure(.init(code: "internal_error", message: "The link could not be processed"))
                }
            }
            input = fetched
        }
        guard let input else {
            return .failure(.init(code: "input_missing", message: "No audio was uploaded to the dub's uploadUrl"))
        }
        let output = storage.path("\(dub.id)-dub.wav")
        return DubInputMedia.render(input, pitchShift: dub.pitchShift, tempo: options.resultTempo, to: output).map { ($0, output) }
    }
}
