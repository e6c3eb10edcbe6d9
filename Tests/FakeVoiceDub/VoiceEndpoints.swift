import Foundation

/// The voice operations: public catalogue search, and the custom voice create, clone and get.
extension FakeVoiceDubCore {
    func listVoices(_ query: QueryParameters) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader()
        let search = query.value("search")
        if let search, !(1...50).contains(search.count) {
            reader.queryProblem("search", "String must contain between 1 and 50 character(s)")
        }
        let filters = [("genres", PublicVoiceCatalogue.genres), ("languages", PublicVoiceCatalogue.languages),
                       ("styles", PublicVoiceCatalogue.styles)].map { name, allowed -> [String] in
            let values = query.values(name)
            for value in values where !allowed.contains(value) {
                reader.queryProblem(name, "Invalid enum value. Expected \(allowed.map { "'\($0)'" }.joined(separator: " | ")), received '\(value)'")
            }
            return values
        }
        var limit = 50
        if let text = query.value("limit") {
            if let number = Int(text), (8...50).contains(number) {
                limit = number
            } else {
                reader.queryProblem("limit", Int(text) == nil ? "Expected integer" : "Number must be between 8 and 50")
            }
        }
        var offset = 0
        if let cursor = query.value("cursor"), !cursor.isEmpty {
            let parts = cursor.split(separator: "_", maxSplits: 1)
            if let first = parts.first, let number = Int(first), number >= 0, parts.count == 2 {
                offset = number
            } else {
                reader.queryProblem("cursor", "Invalid cursor")
            }
        }
        try reader.check()
        let matching = catalogue.matching(search: search, genres: filters[0], languages: filters[1], styles: filters[2])
        let page = Array(matching.dropFirst(offset).prefix(limit))
        let end = offset + page.count
        let next: JSONNode = end < matching.count && !page.isEmpty
            ? .string("\(end)_\(page[page.count - 1].id)") : .null
        return .object(["voices": .array(page.map(\.node)), "nextCursor": next])
    }

    func getVoice(_ rawID: String, failure: FakeDub.Failure?) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader()
        let id = reader.pathUUID("voiceId", rawID)
        try reader.check()
        return try locked { core throws(VoiceDubAPIError) -> JSONNode in
            guard var voice = core.currentVoice(id) else { throw .notFound("Voice") }
            if let failure, voice.status.next != nil {
                voice.pendingFailure = failure
                core.store(voice)
            }
            return .object(["voice": voice.node])
        }
    }

    func createVoice(_ body: Data, failure: FakeDub.Failure?) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader(body: body)
        let name = reader.string("name", required: true, length: 1...50)
        let numberOfFiles = reader.integer("numberOfFiles", required: true, range: 1...5)
        let maxMinutes = reader.integer("maxMinutes", range: 5...60, fallback: 10)
        let separate = reader.boolean("separate", fallback: true)
        try reader.check()
        guard let name, let numberOfFiles, let maxMinutes else { throw .invalidArguments(reader.invalid) }
        return locked { core in
            var voice = FakeCustomVoice(id: UUID().uuidString.lowercased(), name: name, numberOfFiles: Int(numberOfFiles),
                                        maxMinutes: Int(maxMinutes), separate: separate, now: Date())
            voice.pendingFailure = failure
            core.store(voice)
            let urls = (0..<voice.numberOfFiles).map { JSONNode.string(core.issue(.voiceFile(voiceID: voice.id, index: $0))) }
            return .object(["voice": voice.node, "uploadUrls": .array(urls)])
        }
    }

    func cloneVoice(_ rawID: String, failure: FakeDub.Failure?) throws(VoiceDubAPIError) -> JSONNode {
        var reader = ArgumentReader()
        let id = reader.pathUUID("voiceId", rawID)
        try reader.check()
        return try locked { core throws(VoiceDubAPIError) -> JSONNode in
            guard var voice = core.currentVoice(id) else { throw .notFound("Voice") }
            guard voice.status == .new else { throw .voiceIsNotNew() }
            let required = voice.requiredCredits
            guard required <= core.accountCredits else {
                throw .notEnoughCredits(required: required, left: core.accountCredits)
            }
            core.accountCredits -= required
            voice.apiCreditsUsed = required
            voice.apiCreditsLeft = core.accountCredits
            voice.cloneCalls += 1
            voice.enter(.queued, at: Date())
            if let failure {
                voice.pendingFailure = failure
            } else if voice.files.isEmpty {
                voice.pendingFailure = .init(code: "no_training_files", message: "No training file was uploaded")
            }
            core.store(voice)
            return .object(["voice": voice.node])
        }
    }
}
