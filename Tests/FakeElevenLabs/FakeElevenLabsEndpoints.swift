import DubKitMedia
import DubKitTestSupport
import Foundation

extension FakeElevenLabs {
    /// `GET /v2/voices`: `page_size` 1...100 (default 10), `search` over name, description, category and
    /// label values (any case), `next_page_token` as handed out (opaque).
    func listVoices(_ request: TestHTTPRequest) -> TestHTTPResponse {
        var size = 10
        if let text = request.query("page_size") {
            guard let value = Int(text) else { return Self.invalid(["query", "page_size"], "Input should be a valid integer", type: "int_parsing") }
            guard value <= 100 else { return Self.invalid(["query", "page_size"], "Input should be less than or equal to 100", type: "less_than_equal") }
            guard value >= 1 else { return Self.invalid(["query", "page_size"], "Input should be greater than or equal to 1", type: "greater_than_equal") }
            size = value
        }
        var all = voices
        if let search = request.query("search")?.lowercased(), !search.isEmpty {
            all = all.filter { voice in
                ([voice.name, voice.description, voice.category] + Array(voice.labels.values)).contains { $0.lowercased().contains(search) }
            }
        }
        var start = 0
        if let token = request.query("next_page_token") {
            guard let offset = Self.offset(ofToken: token), offset <= all.count else {
                return Self.invalid(["query", "next_page_token"], "Invalid page token", type: "value_error")
            }
            start = offset
        }
        let end = min(all.count, start + size)
        let page = all[start..<end].map { voice -> [String: Any] in
            ["voice_id": voice.voiceID, "name": voice.name, "category": voice.category, "labels": voice.labels,
             "description": voice.description, "preview_url": "https://storage.elevenlabs.invalid/\(voice.voiceID)/preview.mp3",
             "verified_languages": voice.languages.map { ["language": $0, "model_id": "eleven_multilingual_v2", "accent": voice.labels["accent"] ?? ""] },
             "settings": NSNull(), "sharing": NSNull(), "available_for_tiers": [String](), "is_owner": voice.category == "cloned"]
        }
        var body: [String: Any] = ["voices": page, "has_more": end < all.count, "next_page_token": end < all.count ? Self.token(end) : NSNull()]
        if request.query("include_total_count") != "false" { body["total_count"] = all.count }
        return .json((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
    }

    /// `GET /v1/models`: a JSON array.
    func listModels() -> TestHTTPResponse {
        let list: [[String: Any]] = Self.models.map { model in
            ["model_id": model.modelID, "name": model.name, "can_do_voice_conversion": model.canDoVoiceConversion,
             "can_do_text_to_speech": model.canDoTextToSpeech, "can_be_finetuned": false, "can_use_style": true,
             "can_use_speaker_boost": true, "serves_pro_voices": false, "token_cost_factor": 1.0,
             "description": model.name, "requires_alpha_access": false, "languages": [["language_id": "en", "name": "English"]]]
        }
        return .json((try? JSONSerialization.data(withJSONObject: list)) ?? Data())
    }

    /// `GET /v1/user/subscription`.
    func subscription() -> TestHTTPResponse {
        let body: [String: Any] = ["tier": "creator", "character_count": charactersUsed, "character_limit": options.characterLimit,
                                   "can_extend_character_limit": false, "status": "active"]
        return .json((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
    }

    static func token(_ offset: Int) -> String { Data("page:\(offset)".utf8).base64EncodedString() }

    static func offset(ofToken token: String) -> Int? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix("page:") else { return nil }
        return Int(text.dropFirst(5))
    }

    // MARK: Speech-to-speech

    /// `POST /v1/speech-to-speech/{voice_id}` and `…/stream`: every field checked (422 naming it),
    /// the voice (404 `voice_not_found`) and model (400) looked up, the audio decoded (raw PCM for
    /// `file_format=pcm_s16le_16`), the plan's characters checked (401 `quota_exceeded`) and the
    /// concurrency (429), then the audio answered in `output_format`.
    func convert(_ request: TestHTTPRequest, voiceID: String, streamed: Bool, chunkDelay: Double, dropMidBody: Bool) -> TestHTTPResponse {
        guard voices.contains(where: { $0.voiceID == voiceID }) else {
            return Self.detail(404, "voice_not_found", "A voice with the voice_id \(voiceID) was not found.")
        }
        let outputFormat = request.query("output_format") ?? "mp3_44100_128"
        guard Self.outputFormats.contains(outputFormat) else {
            return Self.invalid(["query", "output_format"],
                                "Input should be " + Self.outputFormats.map { "'\($0)'" }.joined(separator: ", "), type: "enum")
        }
        if let text = request.query("optimize_streaming_latency") {
            guard let value = Int(text), (0...4).contains(value) else {
                return Self.invalid(["query", "optimize_streaming_latency"], "Input should be 0, 1, 2, 3 or 4", type: "enum")
            }
        }
        if let text = request.query("enable_logging"), text != "true" && text != "false" {
            return Self.invalid(["query", "enable_logging"], "Input should be a valid boolean", type: "bool_parsing")
        }
        guard (request.header("Content-Type") ?? "").lowercased().hasPrefix("multipart/form-data"),
              let parts = try? request.multipartParts() else {
            return Self.invalid(["body", "audio"], "Field required", type: "missing")
        }
        var fields: [String: String] = [:]
        for part in parts where part.filename == nil { fields[part.name] = part.text }
        if let refusal = Self.checkFields(fields) { return refusal }
        if let model = fields["model_id"] {
            guard let known = Self.models.first(where: { $0.modelID == model }) else {
                return Self.detail(400, "invalid_uid", "An invalid ID has been received: '\(model)'. Make sure to provide a correct one.")
            }
            guard known.canDoVoiceConversion else {
                return Self.detail(400, "model_cannot_do_voice_conversion", "The model \(model) does not support speech-to-speech.")
            }
        }
        guard let audio = parts.first(where: { $0.name == "audio" && $0.filename != nil }) else {
            return Self.invalid(["body", "audio"], "Field required", type: "missing")
        }
        let raw = fields["file_format"] == "pcm_s16le_16"
        let container = FakeElevenLabsAudio.sniff(audio.bytes.prefix(12))
        if raw {
            if let container {
                return Self.invalid(["body", "audio"], "file_format is pcm_s16le_16 but the audio is a \(container) file, not raw 16-bit PCM", type: "value_error")
            }
            guard audio.length % 2 == 0 else {
                return Self.invalid(["body", "audio"], "raw 16-bit PCM must have an even number of bytes", type: "value_error")
            }
        }

        // Working on it: at most `maxConcurrentRequests` at once.
        let admitted = state.withLock { state -> Bool in
            guard state.inFlight < options.maxConcurrentRequests else { return false }
            state.inFlight += 1
            state.mostInFlight = max(state.mostInFlight, state.inFlight)
            return true
        }
        guard admitted else {
            return Self.busy("too_many_concurrent_requests", Self.concurrencyMessage(options.maxConcurrentRequests), retryAfter: nil)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        let processing = Self.seconds(options.processingDelay)
        if processing > 0 { Thread.sleep(forTimeInterval: processing) }

        guard let rendered = FakeElevenLabsAudio.render(audio, raw: raw, container: container, outputFormat: outputFormat, in: scratch) else {
            return Self.detail(400, "invalid_audio", "The audio file could not be decoded.")
        }
        guard rendered.inputSeconds <= 300 else {
            return Self.detail(400, "audio_too_long", "The audio is \(Int(rendered.inputSeconds)) seconds long; at most 300 seconds are accepted.")
        }
        let cost = Int64((rendered.inputSeconds * 1000).rounded()) * 1000
        let characters = cost / 60_000 + (cost % 60_000 > 0 ? 1 : 0)
        let charged = state.withLock { state -> Bool in
            let left = options.characterLimit - state.charactersUsed
            guard characters <= left else { return false }
            state.charactersUsed += characters
            state.conversions.append(Conversion(
                voiceID: voiceID, streamed: streamed,
                query: Dictionary(request.queryItems.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first }),
                fields: fields, audioFilename: audio.filename ?? "", audioContentType: audio.contentType, audioBytes: audio.length,
                audioFormat: raw ? "pcm_s16le_16" : (container ?? "unknown"), inputSeconds: rendered.inputSeconds,
                outputFormat: outputFormat, outputBytes: rendered.data.count, charged: characters))
            return true
        }
        guard charged else {
            let left = max(0, options.characterLimit - charactersUsed)
            return Self.detail(401, "quota_exceeded",
                               "This request exceeds your quota of \(options.characterLimit). You have \(left) credits remaining, while \(characters) credits are required for this request.")
        }
        let contentType = outputFormat.hasPrefix("mp3") ? "audio/mpeg" : (outputFormat.hasPrefix("ulaw") ? "audio/basic" : "audio/pcm")
        let headers = [("Content-Type", contentType), ("request-id", UUID().uuidString.lowercased())]
        if dropMidBody {
            var response = TestHTTPResponse(status: 200, headers: headers, body: .bytes(rendered.data))
            response.dropAfterBytes = rendered.data.count / 2
            return response
        }
        guard streamed || chunkDelay > 0 else { return TestHTTPResponse(status: 200, headers: headers, body: .bytes(rendered.data)) }
        let count = max(1, options.streamChunks)
        let size = max(1, (rendered.data.count + count - 1) / count)
        let gate = state.current.streamGate
        var chunks: [TestHTTPResponse.Chunk] = []
        var offset = 0
        while offset < rendered.data.count {
            let end = min(rendered.data.count, offset + size)
            let piece = rendered.data.subdata(in: offset..<end)
            chunks.append(TestHTTPResponse.Chunk(data: piece, after: chunkDelay, when: end == rendered.data.count && streamed ? gate : nil))
            offset = end
        }
        return TestHTTPResponse(status: 200, headers: headers, body: .chunked(chunks))
    }

    /// The 422 for the first form field out of its range, nil when all are fine.
    static func checkFields(_ fields: [String: String]) -> TestHTTPResponse? {
        if let text = fields["seed"] {
            guard let value = Int64(text), (0...4_294_967_295).contains(value) else {
                return invalid(["body", "seed"], "Input should be an integer between 0 and 4294967295", type: "value_error")
            }
        }
        if let text = fields["remove_background_noise"], text != "true" && text != "false" {
            return invalid(["body", "remove_background_noise"], "Input should be a valid boolean", type: "bool_parsing")
        }
        if let text = fields["file_format"], text != "pcm_s16le_16" && text != "other" {
            return invalid(["body", "file_format"], "Input should be 'pcm_s16le_16' or 'other'", type: "enum")
        }
        if let text = fields["voice_settings"] {
            guard let data = text.data(using: .utf8), let object = try? JSONDecoder().decode([String: Setting].self, from: data) else {
                return invalid(["body", "voice_settings"], "voice_settings must be a JSON object of numbers and booleans", type: "json_invalid")
            }
            let ranges: [String: ClosedRange<Double>] = ["stability": 0...1, "similarity_boost": 0...1, "style": 0...1, "speed": 0.7...1.2]
            for (name, value) in object.sorted(by: { $0.key < $1.key }) {
                if name == "use_speaker_boost" {
                    guard case .bool = value else {
                        return invalid(["body", "voice_settings", name], "Input should be a valid boolean", type: "bool_type")
                    }
                    continue
                }
                guard let range = ranges[name] else {
                    return invalid(["body", "voice_settings", name], "Extra inputs are not permitted", type: "extra_forbidden")
                }
                guard case let .number(number) = value, range.contains(number) else {
                    return invalid(["body", "voice_settings", name],
                                   "Input should be a number from \(range.lowerBound) to \(range.upperBound)", type: "value_error")
                }
            }
        }
        return nil
    }
}

/// A value of `voice_settings`: JSON booleans and numbers kept apart.
enum Setting: Decodable {
    case bool(Bool)
    case number(Double)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }
}
