import DubKitMedia
import DubKitTestSupport
import Foundation

extension FakeCartesia {
    // MARK: Datasets

    /// `POST /datasets` `{name, description}` → `{id, name, description, created_at}`.
    func createDataset(_ request: TestHTTPRequest) -> TestHTTPResponse {
        guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
            return error(422, "invalid_request", "Invalid body", "The body must be a JSON object {name, description}.")
        }
        guard let name = body["name"] as? String, (1...255).contains(name.count) else {
            return error(422, "invalid_request", "Invalid name", "name is required: 1 to 255 characters.")
        }
        guard let description = body["description"] as? String else {
            return error(422, "invalid_request", "Invalid description", "description is required.")
        }
        let dataset = Dataset(id: makeID("dataset"), name: name, description: description, createdAt: Self.timestamp(), files: [])
        state.withLock { $0.datasets.append(dataset) }
        return Self.json(Self.object(dataset))
    }

    func listDatasets(_ request: TestHTTPRequest) -> TestHTTPResponse {
        guard let limit = Self.limit(request) else {
            return error(422, "invalid_request", "Invalid limit", "limit must be an integer between 1 and 100.")
        }
        guard let page = Self.page(datasets, id: \.id, limit: limit, startingAfter: request.query("starting_after")) else {
            return error(422, "invalid_request", "Invalid cursor", "starting_after is not a dataset of this list.")
        }
        return Self.json(Self.pageBody(page.items.map(Self.object), hasMore: page.hasMore, last: page.items.last?.id))
    }

    func getDataset(_ id: String) -> TestHTTPResponse {
        guard let dataset = datasets.first(where: { $0.id == id }) else { return datasetNotFound(id) }
        return Self.json(Self.object(dataset))
    }

    /// `GET /datasets/{id}/files`: `{data: [{id, filename, size, created_at}], has_more, next_page}`.
    func listDatasetFiles(_ request: TestHTTPRequest, id: String) -> TestHTTPResponse {
        guard let dataset = datasets.first(where: { $0.id == id }) else { return datasetNotFound(id) }
        guard let limit = Self.limit(request) else {
            return error(422, "invalid_request", "Invalid limit", "limit must be an integer between 1 and 100.")
        }
        guard let page = Self.page(dataset.files, id: \.id, limit: limit, startingAfter: request.query("starting_after")) else {
            return error(422, "invalid_request", "Invalid cursor", "starting_after is not a file of this dataset.")
        }
        let items = page.items.map { ["id": $0.id, "filename": $0.filename, "size": $0.size, "created_at": $0.createdAt] as [String: Any] }
        return Self.json(Self.pageBody(items, hasMore: page.hasMore, last: page.items.last?.id))
    }

    /// `POST /datasets/{id}/files`: multipart `file` (an audio file of a format Cartesia takes, by its
    /// name, that decodes) and `purpose=fine_tune`; measured and kept; 204.
    func uploadDatasetFile(_ request: TestHTTPRequest, id: String) -> TestHTTPResponse {
        guard datasets.contains(where: { $0.id == id }) else { return datasetNotFound(id) }
        guard (request.header("Content-Type") ?? "").lowercased().hasPrefix("multipart/form-data"),
              let parts = try? request.multipartParts() else {
            return error(422, "invalid_request", "Invalid request", "The body must be multipart/form-data with a file and a purpose.")
        }
        guard let file = parts.first(where: { $0.name == "file" && $0.filename != nil }), let filename = file.filename,
              file.length > 0 else {
            return error(422, "invalid_request", "Missing file", "file is required.")
        }
        guard let purpose = parts.first(where: { $0.name == "purpose" && $0.filename == nil })?.text else {
            return error(422, "invalid_request", "Missing purpose", "purpose is required (fine_tune).")
        }
        guard purpose == "fine_tune" else {
            return error(422, "invalid_request", "Invalid purpose", "purpose must be fine_tune, not \(purpose).")
        }
        let ext = (filename as NSString).pathExtension.lowercased()
        guard Self.datasetFormats.contains(ext) else {
            return error(422, "unsupported_format", "Unsupported file format",
                         "\(filename) is not one of \(Self.datasetFormats.joined(separator: ", ")).")
        }
        let scratchFile = scratch.path("dataset-\(UUID().uuidString).\(ext)")
        defer { try? FileManager.default.removeItem(at: scratchFile) }
        guard FakeCartesiaAudio.write(file, to: scratchFile), let info = try? MediaProbe.probe(scratchFile),
              !info.audioStreams.isEmpty, let seconds = info.durationSeconds, seconds > 0 else {
            return error(422, "invalid_audio", "Invalid audio", "\(filename) could not be decoded as audio.")
        }
        let stored = DatasetFile(id: makeID("file"), filename: filename, size: file.length, seconds: seconds, purpose: purpose,
                                 createdAt: Self.timestamp())
        let kept = state.withLock { state -> Bool in
            guard let index = state.datasets.firstIndex(where: { $0.id == id }) else { return false }
            state.datasets[index].files.append(stored)
            state.uploads[id, default: [:]][filename, default: 0] += 1
            return true
        }
        guard kept else { return datasetNotFound(id) }
        return TestHTTPResponse(status: 204)
    }

    func datasetNotFound(_ id: String) -> TestHTTPResponse {
        error(404, "dataset_not_found", "Dataset not found", "No dataset with id \(id).")
    }

    static func object(_ dataset: Dataset) -> [String: Any] {
        ["id": dataset.id, "name": dataset.name, "description": dataset.description, "created_at": dataset.createdAt]
    }

    static func pageBody(_ items: [[String: Any]], hasMore: Bool, last: String?) -> [String: Any] {
        var body: [String: Any] = ["data": items, "has_more": hasMore]
        if hasMore, let last { body["next_page"] = last }
        return body
    }

    // MARK: Fine-tunes

    /// `POST /fine-tunes` `{name, description, language, model_id, dataset}` (all required): the
    /// language and base model checked, the dataset looked up (404) and held to 30 minutes of audio
    /// (422 `dataset_too_short`), the plan's credits to the fine-tune's price (402); `status: created`.
    func createFineTune(_ request: TestHTTPRequest) -> TestHTTPResponse {
        guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
            return error(422, "invalid_request", "Invalid body", "The body must be a JSON object.")
        }
        var values: [String: String] = [:]
        for field in ["name", "description", "language", "model_id", "dataset"] {
            guard let value = body[field] as? String, !value.isEmpty || field == "description" else {
                return error(422, "invalid_request", "Missing \(field)", "\(field) is required.")
            }
            values[field] = value
        }
        let language = values["language"] ?? "", model = values["model_id"] ?? "", datasetID = values["dataset"] ?? ""
        guard Self.languages.contains(language) else {
            return error(422, "invalid_request", "Invalid language", "language \(language) is not one of \(Self.languages.joined(separator: ", ")).")
        }
        guard Self.models.contains(model) else {
            return error(422, "invalid_request", "Invalid model_id", "model_id \(model) is not a model that can be fine-tuned (\(Self.models.joined(separator: ", "))).")
        }
        guard let dataset = datasets.first(where: { $0.id == datasetID }) else { return datasetNotFound(datasetID) }
        guard dataset.seconds >= Self.minimumDatasetSeconds else {
            return error(422, "dataset_too_short", "Not enough audio",
                         String(format: "Dataset %@ has %.1f minutes of audio; a fine-tune needs at least 30 minutes.", datasetID, dataset.seconds / 60))
        }
        guard options.credits - creditsUsed >= Self.fineTuneCredits else {
            return error(402, "insufficient_credits", "Insufficient credits",
                         "A fine-tune needs \(Self.fineTuneCredits) credits; you have \(max(0, options.credits - creditsUsed)) left.")
        }
        let fineTune = state.withLock { state -> FineTune in
            let fails = state.failNextFineTunes > 0
            if fails { state.failNextFineTunes -= 1 }
            defer { state.nextID += 1 }
            let made = FineTune(id: "ft_\(String(format: "%06d", state.nextID))\(UUID().uuidString.lowercased().prefix(8))",
                                name: values["name"] ?? "", description: values["description"] ?? "", language: language,
                                modelID: model, dataset: datasetID, createdAt: Date(), fails: fails, voiceID: nil)
            state.fineTunes.append(made)
            return made
        }
        return Self.json(object(fineTune, status: "created"))
    }

    func listFineTunes(_ request: TestHTTPRequest) -> TestHTTPResponse {
        guard let limit = Self.limit(request) else {
            return error(422, "invalid_request", "Invalid limit", "limit must be an integer between 1 and 100.")
        }
        let all = state.current.fineTunes.map(\.id).compactMap(advance)
        guard let page = Self.page(all, id: \.0.id, limit: limit, startingAfter: request.query("starting_after")) else {
            return error(422, "invalid_request", "Invalid cursor", "starting_after is not a fine-tune of this list.")
        }
        return Self.json(Self.pageBody(page.items.map { object($0.0, status: $0.1) }, hasMore: page.hasMore, last: page.items.last?.0.id))
    }

    func getFineTune(_ id: String) -> TestHTTPResponse {
        guard let (fineTune, status) = advance(id) else { return fineTuneNotFound(id) }
        return Self.json(object(fineTune, status: status))
    }

    /// `GET /fine-tunes/{id}/voices`: the voice a completed fine-tune made; none before.
    func listFineTuneVoices(_ id: String) -> TestHTTPResponse {
        guard let (fineTune, _) = advance(id) else { return fineTuneNotFound(id) }
        let voices = state.current.ownVoices.filter { $0.id == fineTune.voiceID }
        return Self.json(Self.pageBody(voices.map(Self.object), hasMore: false, last: nil))
    }

    /// The fine-tune and its status now, by the clock since its creation; the first time it is seen
    /// completed, its voice is made and its price charged.
    func advance(_ id: String) -> (FineTune, String)? {
        let queued = Self.seconds(options.fineTuneQueued), training = Self.seconds(options.fineTuneTraining)
        return state.withLock { state -> (FineTune, String)? in
            guard let index = state.fineTunes.firstIndex(where: { $0.id == id }) else { return nil }
            let fineTune = state.fineTunes[index]
            let elapsed = Date().timeIntervalSince(fineTune.createdAt)
            if elapsed < queued { return (fineTune, "created") }
            if elapsed < queued + training { return (fineTune, "training") }
            if fineTune.fails { return (fineTune, "failed") }
            if fineTune.voiceID == nil {
                let voice = Voice(id: UUID().uuidString.lowercased(), name: fineTune.name, description: fineTune.description,
                                  language: fineTune.language, gender: "gender_neutral", isOwner: true)
                state.ownVoices.append(voice)
                state.fineTunes[index].voiceID = voice.id
                state.creditsUsed += Self.fineTuneCredits
            }
            return (state.fineTunes[index], "completed")
        }
    }

    func fineTuneNotFound(_ id: String) -> TestHTTPResponse {
        error(404, "fine_tune_not_found", "Fine-tune not found", "No fine-tune with id \(id).")
    }

    func object(_ fineTune: FineTune, status: String) -> [String: Any] {
        ["id": fineTune.id, "name": fineTune.name, "description": fineTune.description, "language": fineTune.language,
         "model_id": fineTune.modelID, "dataset": fineTune.dataset, "status": status]
    }
}
