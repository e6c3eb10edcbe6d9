import DubKitMedia
import DubKitTestSupport
import Foundation

/// The effects the fake accepts in `pre` and `post`, with their fields (PROVIDERS.md).
enum FakeKitsEffects {
    static let compressor = ["threshold_db", "ratio", "attack_ms", "release_ms"]
    static let pre: [String: [String]] = [
        "NoiseGate": ["threshold_db", "ratio", "attack_ms", "release_ms"],
        "HighPassFilter": ["cutoff_frequency_hz"], "LowPassFilter": ["cutoff_frequency_hz"], "Compressor": compressor,
    ]
    static let post: [String: [String]] = [
        "Chorus": ["rate_hz", "depth", "centre_delay_ms", "feedback", "mix"],
        "Reverb": ["room_size", "damping", "wet_level", "dry_level", "width", "freeze_mode"],
        "Compressor": compressor, "Delay": ["delay_seconds", "feedback", "mix"],
    ]
}

extension FakeKits {
    /// A 422 in the shape of Kits's validator: `{errors: [{rule, field, message}]}`.
    static func invalid(_ field: String, _ rule: String, _ message: String) -> TestHTTPResponse {
        .json(["errors": [["rule": rule, "field": field, "message": message]]], status: 422)
    }

    /// `page`, `perPage` and `order` of a list request, or the 422 refusing them.
    private func paging(_ request: TestHTTPRequest) -> Result<(page: Int, perPage: Int, descending: Bool), Refusal> {
        var page = 1, perPage = 10, descending = false
        if let text = request.query("page") {
            guard let value = Int(text), value >= 1 else { return .failure(Refusal(Self.invalid("page", "range", "page must be a whole number from 1"))) }
            page = value
        }
        if let text = request.query("perPage") {
            guard let value = Int(text), value >= 1 else { return .failure(Refusal(Self.invalid("perPage", "range", "perPage must be a whole number from 1"))) }
            perPage = value
        }
        if let order = request.query("order") {
            guard order == "asc" || order == "desc" else { return .failure(Refusal(Self.invalid("order", "enum", "order must be asc or desc"))) }
            descending = order == "desc"
        }
        return .success((page, perPage, descending))
    }

    struct Refusal: Error {
        var response: TestHTTPResponse
        init(_ response: TestHTTPResponse) { self.response = response }
    }

    /// `{data, meta}` for one page of `items`.
    private func paged(_ items: [Any], page: Int, perPage: Int, path: String) -> TestHTTPResponse {
        let lastPage = max(1, (items.count + perPage - 1) / perPage)
        let start = min(items.count, (page - 1) * perPage)
        let slice = Array(items[start..<min(items.count, start + perPage)])
        let meta: [String: Any] = [
            "total": items.count, "perPage": perPage, "currentPage": page, "lastPage": lastPage, "firstPage": 1,
            "firstPageUrl": "\(path)?page=1", "lastPageUrl": "\(path)?page=\(lastPage)",
            "nextPageUrl": page < lastPage ? "\(path)?page=\(page + 1)" as Any : NSNull(),
            "previousPageUrl": page > 1 ? "\(path)?page=\(page - 1)" as Any : NSNull(),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: ["data": slice, "meta": meta])) ?? Data()
        return .json(data)
    }

    func listVoiceModels(_ request: TestHTTPRequest) -> TestHTTPResponse {
        switch paging(request) {
        case let .failure(refusal): return refusal.response
        case let .success((page, perPage, descending)):
            var models = request.query("myModels") == "true" ? [] : voiceModels
            if descending { models.reverse() }
            let items: [Any] = models.map { model in
                ["id": model.id, "title": model.title, "isUsable": model.isUsable, "tags": model.tags,
                 "imageUrl": model.imageUrl, "demoUrl": model.demoUrl] as [String: Any]
            }
            return paged(items, page: page, perPage: perPage, path: "/voice-models")
        }
    }

    func listConversions(_ request: TestHTTPRequest) -> TestHTTPResponse {
        switch paging(request) {
        case let .failure(refusal): return refusal.response
        case let .success((page, perPage, descending)):
            var all = state.current.conversions.values.sorted { $0.id < $1.id }
            if descending { all.reverse() }
            return paged(all.map { json($0, withResult: true) }, page: page, perPage: perPage, path: "/voice-conversions")
        }
    }

    func createConversion(_ request: TestHTTPRequest, fails: Bool) -> TestHTTPResponse {
        guard (request.header("Content-Type") ?? "").lowercased().hasPrefix("multipart/form-data"),
              let parts = try? request.multipartParts() else {
            return Self.invalid("body", "multipart", "All requests must be made as multipart form requests")
        }
        var fields: [String: String] = [:]
        for part in parts where part.filename == nil { fields[part.name] = part.text }
        guard let modelText = fields["voiceModelId"] else { return Self.invalid("voiceModelId", "required", "voiceModelId is required") }
        guard let modelID = Int64(modelText.trimmingCharacters(in: .whitespaces)) else {
            return Self.invalid("voiceModelId", "number", "voiceModelId must be a number")
        }
        for (name, range) in [("conversionStrength", 0.0...1.0), ("modelVolumeMix", 0.0...1.0), ("pitchShift", -24.0...24.0)] {
            guard let text = fields[name] else { continue }
            guard let value = Double(text), range.contains(value) else {
                return Self.invalid(name, "range", "\(name) must be a number from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        for (name, effects) in [("pre", FakeKitsEffects.pre), ("post", FakeKitsEffects.post)] {
            guard let text = fields[name] else { continue }
            if let problem = Self.checkEffects(text, allowed: effects) { return Self.invalid(name, "effects", problem) }
        }
        guard let sound = parts.first(where: { $0.name == "soundFile" && $0.filename != nil }) else {
            return Self.invalid("soundFile", "required", "soundFile is required")
        }
        guard sound.length <= options.maxSoundFileBytes else {
            return Self.invalid("soundFile", "file.size", "Max file size is 100MB")
        }
        guard let format = Self.sniff(sound.bytes.prefix(12)) else {
            return Self.invalid("soundFile", "file.extname", "Supports wav, mp3, or flac")
        }
        guard let model = voiceModels.first(where: { $0.id == modelID }) else { return .text("Voice model not found", status: 404) }
        guard model.isUsable else { return .text("Forbidden: this voice model is not available to your account", status: 403) }
        let (result, seconds) = render(sound, format: format)
        let conversion = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let conversion = Conversion(id: id, voiceModelId: modelID, createdAt: Date(), fields: fields,
                                        soundFileName: sound.filename ?? "", soundFileFormat: format, soundFileBytes: sound.length,
                                        inputSeconds: seconds, result: result, fails: fails)
            state.conversions[id] = conversion
            return conversion
        }
        var body = json(conversion, withResult: false)
        body["jobEndTime"] = NSNull()
        return .json((try? JSONSerialization.data(withJSONObject: body)) ?? Data(), status: 201)
    }

    /// Why an effects field is refused, nil when it is fine.
    static func checkEffects(_ text: String, allowed: [String: [String]]) -> String? {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return "must be a JSON object of effects"
        }
        for (effect, value) in object {
            guard let fields = allowed[effect] else { return "unknown effect \(effect)" }
            guard let settings = value as? [String: Any] else { return "\(effect) must be an object" }
            for field in settings.keys where !fields.contains(field) { return "\(effect) has no field \(field)" }
        }
        guard (try? JSONDecoder().decode([String: [String: Double]].self, from: data)) != nil else {
            return "every effect setting must be a number"
        }
        return nil
    }

    /// The container of a sound file from its first bytes.
    static func sniff(_ head: Data) -> String? {
        let bytes = [UInt8](head)
        if bytes.count >= 12, bytes[0...3] == [0x52, 0x49, 0x46, 0x46], bytes[8...11] == [0x57, 0x41, 0x56, 0x45] { return "wav" }
        if bytes.count >= 4, bytes[0...3] == [0x66, 0x4C, 0x61, 0x43] { return "flac" }
        if bytes.count >= 3, bytes[0...2] == [0x49, 0x44, 0x33] { return "mp3" }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] & 0xE0 == 0xE0 { return "mp3" }
        return nil
    }

    /// A WAV of the sound file (what the fake hands back as the converted voice) and its length.
    private func render(_ sound: MultipartFormPart, format: String) -> (Data?, Double) {
        let input = scratch.path("in-\(UUID().uuidString).\(format)")
        let output = scratch.path("out-\(UUID().uuidString).wav")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        guard FileManager.default.createFile(atPath: input.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: input) else { return (nil, 0) }
        sound.forEachChunk { handle.write($0) }
        try? handle.close()
        guard let extraction = try? AudioExtractor.extractAudio(
            from: input, to: output, options: AudioExtractionOptions(sampleRate: 44_100, channels: .mono, format: .wav)) else {
            return (nil, 0)
        }
        return (try? Data(contentsOf: output), extraction.durationSeconds)
    }

    /// A conversion as Kits shows it; `withResult` adds the output URLs (fresh signatures) once it succeeded.
    func json(_ conversion: Conversion, withResult: Bool) -> [String: Any] {
        let now = Date()
        let status = conversion.status(at: now, stage: options.stageDuration)
        var body: [String: Any] = [
            "id": conversion.id, "createdAt": Self.timestamp(conversion.createdAt), "type": "infer",
            "voiceModelId": conversion.voiceModelId, "status": status,
            "jobStartTime": Self.timestamp(conversion.createdAt),
            "jobEndTime": status == "running" ? NSNull() as Any : Self.timestamp(now),
        ]
        guard withResult else { return body }
        body["model"] = ["id": conversion.voiceModelId, "title": voiceModels.first { $0.id == conversion.voiceModelId }?.title ?? ""]
        if status == "success" {
            let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let lifetime = Double(options.signedURLLifetime.components.seconds)
            let expires = now.addingTimeInterval(lifetime)
            state.withLock { $0.conversions[conversion.id]?.tokens[token] = expires }
            let query = "expires=\(Int(expires.timeIntervalSince1970))&signature=\(token)"
            body["outputFileUrl"] = url("/signed/\(conversion.id)/output.wav?\(query)").absoluteString
            body["lossyOutputFileUrl"] = url("/signed/\(conversion.id)/output.wav?\(query)").absoluteString
            body["recombinedAudioFileUrl"] = NSNull()
        } else {
            body["outputFileUrl"] = NSNull()
            body["lossyOutputFileUrl"] = NSNull()
            body["recombinedAudioFileUrl"] = NSNull()
        }
        return body
    }

    /// A signed output URL: no key, the signature and its expiry checked; ranges served.
    func download(_ request: TestHTTPRequest, route: Route) -> TestHTTPResponse {
        guard let id = route.id, let conversion = state.current.conversions[id], let result = conversion.result,
              let token = request.query("signature"), let expires = conversion.tokens[token] else {
            return .text("<Error><Code>AccessDenied</Code><Message>Invalid signature</Message></Error>", status: 403)
        }
        guard expires > Date() else {
            return .text("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", status: 403)
        }
        var response = TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/wav")], body: .bytes(result))
        response.acceptsRanges = true
        switch takeFault(.downloadOutput) {
        case let .rateLimited(seconds)?:
            response = .text("Too many requests", status: 429)
            response.headers.append(("Retry-After", String(seconds)))
        case .serverError?: response = .text("Internal Server Error", status: 500)
        case .dropConnection?, .dropAfterProcessing?: response.dropAfterBytes = result.count / 2
        case let .slow(duration)?: response.delay = Double(duration.components.seconds)
            + Double(duration.components.attoseconds) / 1e18
        case .conversionFails?, nil: break
        }
        return response
    }

    /// Kits's timestamp text: `2023-09-19 20:13:50.428000 +00:00`.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: date) + "000 +00:00"
    }
}
