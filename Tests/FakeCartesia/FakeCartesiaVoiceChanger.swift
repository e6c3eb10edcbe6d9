import DubKitMedia
import DubKitTestSupport
import Foundation

extension FakeCartesia {
    /// `GET /voices`: `limit` 1...100 (default 10), `starting_after` an id of the list, `gender` and
    /// `is_owner` filters; `{data, has_more, next_page}`.
    func listVoices(_ request: TestHTTPRequest) -> TestHTTPResponse {
        guard let limit = Self.limit(request) else {
            return error(422, "invalid_request", "Invalid limit", "limit must be an integer between 1 and 100.")
        }
        var voices = self.voices
        if let gender = request.query("gender") {
            guard ["masculine", "feminine", "gender_neutral"].contains(gender) else {
                return error(422, "invalid_request", "Invalid gender", "gender must be masculine, feminine or gender_neutral.")
            }
            voices = voices.filter { $0.gender == gender }
        }
        if let owner = request.query("is_owner") {
            guard owner == "true" || owner == "false" else {
                return error(422, "invalid_request", "Invalid is_owner", "is_owner must be true or false.")
            }
            voices = voices.filter { $0.isOwner == (owner == "true") }
        }
        guard let page = Self.page(voices, id: \.id, limit: limit, startingAfter: request.query("starting_after")) else {
            return error(422, "invalid_request", "Invalid cursor", "starting_after is not a voice of this list.")
        }
        var body: [String: Any] = ["data": page.items.map(Self.object), "has_more": page.hasMore]
        if page.hasMore, let last = page.items.last { body["next_page"] = last.id }
        return Self.json(body)
    }

    static func object(_ voice: Voice) -> [String: Any] {
        ["id": voice.id, "name": voice.name, "description": voice.description, "language": voice.language, "gender": voice.gender,
         "is_owner": voice.isOwner, "is_public": !voice.isOwner, "created_at": "2025-04-16T00:00:00Z"]
    }

    /// `POST /voice-changer/bytes` and `/voice-changer/sse`: the multipart form checked field by field
    /// (422 naming the field, the seed's container rules included; SSE takes raw only), the voice looked
    /// up (404 `voice_not_found`), the clip decoded (422 `invalid_audio`), the concurrency (429) and the
    /// plan's credits (402) checked, then the converted audio answered as bytes or as chunk events.
    func changeVoice(_ request: TestHTTPRequest, streamed: Bool, chunkDelay: Double, failMidStream: Bool) -> TestHTTPResponse {
        guard (request.header("Content-Type") ?? "").lowercased().hasPrefix("multipart/form-data"),
              let parts = try? request.multipartParts() else {
            return error(422, "invalid_request", "Invalid request", "The body must be multipart/form-data with a clip.")
        }
        var fields: [String: String] = [:]
        for part in parts where part.filename == nil { fields[part.name] = part.text }
        guard let clip = parts.first(where: { $0.name == "clip" && $0.filename != nil }), clip.length > 0 else {
            return error(422, "invalid_request", "Missing clip", "clip is required: the audio file of speech to convert.")
        }
        guard let voiceID = fields["voice[id]"], !voiceID.isEmpty else {
            return error(422, "invalid_request", "Missing voice[id]", "voice[id] is required.")
        }
        guard let container = fields["output_format[container]"] else {
            return error(422, "invalid_request", "Missing output_format[container]", "output_format[container] is required: raw, wav or mp3.")
        }
        guard ["raw", "wav", "mp3"].contains(container) else {
            return error(422, "invalid_request", "Invalid output_format[container]", "output_format[container] must be raw, wav or mp3, not \(container).")
        }
        guard let rateText = fields["output_format[sample_rate]"] else {
            return error(422, "invalid_request", "Missing output_format[sample_rate]", "output_format[sample_rate] is required.")
        }
        guard let rate = Int(rateText), [8000, 16000, 22050, 24000, 44100, 48000].contains(rate) else {
            return error(422, "invalid_request", "Invalid output_format[sample_rate]",
                         "output_format[sample_rate] must be one of 8000, 16000, 22050, 24000, 44100, 48000, not \(rateText).")
        }
        var encoding: String?
        var bitRate: Int?
        if container == "mp3" {
            guard let text = fields["output_format[bit_rate]"] else {
                return error(422, "invalid_request", "Missing output_format[bit_rate]", "output_format[bit_rate] is required for mp3 containers.")
            }
            guard let value = Int(text), [32000, 64000, 96000, 128000, 192000].contains(value) else {
                return error(422, "invalid_request", "Invalid output_format[bit_rate]",
                             "output_format[bit_rate] must be 32000, 64000, 96000, 128000 or 192000, not \(text).")
            }
            bitRate = value
        } else {
            guard let text = fields["output_format[encoding]"] else {
                return error(422, "invalid_request", "Missing output_format[encoding]",
                             "output_format[encoding] is required for raw and wav containers.")
            }
            guard ["pcm_f32le", "pcm_s16le", "pcm_mulaw", "pcm_alaw"].contains(text) else {
                return error(422, "invalid_request", "Invalid output_format[encoding]",
                             "output_format[encoding] must be pcm_f32le, pcm_s16le, pcm_mulaw or pcm_alaw, not \(text).")
            }
            encoding = text
        }
        if streamed && container != "raw" {
            return error(422, "invalid_request", "Unsupported output_format[container]",
                         "The SSE endpoint only supports the raw container, not \(container).")
        }
        guard voices.contains(where: { $0.id == voiceID }) else {
            return error(404, "voice_not_found", "Voice not found", "No voice with id \(voiceID).")
        }

        // Working on it: at most `maxConcurrentRequests` at once.
        let admitted = state.withLock { state -> Bool in
            guard state.inFlight < options.maxConcurrentRequests else { return false }
            state.inFlight += 1
            state.mostInFlight = max(state.mostInFlight, state.inFlight)
            return true
        }
        guard admitted else { return busy(retryAfter: nil) }
        defer { state.withLock { $0.inFlight -= 1 } }
        let processing = Self.seconds(options.processingDelay)
        if processing > 0 { Thread.sleep(forTimeInterval: processing) }

        guard let rendered = FakeCartesiaAudio.render(clip, container: container, encoding: encoding, sampleRate: rate,
                                                       bitRate: bitRate, in: scratch) else {
            return error(422, "invalid_audio", "Invalid clip", "The clip could not be decoded as audio.")
        }
        // 15 characters a second, for the exact length, rounded up.
        let cost = Int64((rendered.inputSeconds * 15).rounded(.up))
        let charged = failMidStream ? 0 : cost
        let accepted = state.withLock { state -> Bool in
            guard state.creditsUsed + cost <= options.credits else { return false }
            state.creditsUsed += charged
            state.conversions.append(Conversion(
                voiceID: voiceID, streamed: streamed, fields: fields, clipFilename: clip.filename ?? "", clipContentType: clip.contentType,
                clipBytes: clip.length, inputSeconds: rendered.inputSeconds, outputBytes: rendered.data.count, charged: charged))
            return true
        }
        guard accepted else {
            return error(402, "insufficient_credits", "Insufficient credits",
                         "This request needs \(cost) credits; you have \(max(0, options.credits - creditsUsed)) left.")
        }
        let requestID = "req_\(UUID().uuidString.lowercased().prefix(12))"
        let gate = state.current.streamGate
        let count = max(1, options.streamChunks)
        if streamed {
            return sse(rendered.data, frame: FakeCartesiaAudio.bytesPerSample(encoding ?? "pcm_s16le"), count: count,
                       delay: chunkDelay, gate: gate, failMidStream: failMidStream, requestID: requestID)
        }
        let contentType = container == "mp3" ? "audio/mpeg" : (container == "wav" ? "audio/wav" : "application/octet-stream")
        let headers = [("Content-Type", contentType), ("X-Request-Id", requestID)]
        guard chunkDelay > 0 || gate != nil else { return TestHTTPResponse(status: 200, headers: headers, body: .bytes(rendered.data)) }
        let size = max(1, (rendered.data.count + count - 1) / count)
        var chunks: [TestHTTPResponse.Chunk] = []
        var offset = 0
        while offset < rendered.data.count {
            let end = min(rendered.data.count, offset + size)
            chunks.append(TestHTTPResponse.Chunk(data: rendered.data.subdata(in: offset..<end), after: chunkDelay,
                                                 when: end == rendered.data.count ? gate : nil))
            offset = end
        }
        return TestHTTPResponse(status: 200, headers: headers, body: .chunked(chunks))
    }

    /// The events of an SSE answer: `count` chunk events of whole samples, then `done` (or, failing,
    /// an `error` event after half of them), framed as the options say.
    func sse(_ audio: Data, frame: Int, count: Int, delay: Double, gate: (@Sendable () -> Bool)?, failMidStream: Bool,
             requestID: String) -> TestHTTPResponse {
        var payloads: [String] = []
        let frames = max(1, audio.count / frame)
        let perChunk = max(1, (frames + count - 1) / count) * frame
        var offset = 0
        var index = 0
        while offset < audio.count {
            let end = min(audio.count, offset + perChunk)
            let event: [String: Any] = ["type": "chunk", "data": audio.subdata(in: offset..<end).base64EncodedString(),
                                        "step_time": 12.5 + Double(index), "status_code": 206, "done": false]
            payloads.append(Self.line(event))
            offset = end
            index += 1
            if failMidStream && index >= max(1, count / 2) {
                payloads.append(Self.line(["type": "error", "error": "Voice conversion failed midway.", "status_code": 500, "done": true]))
                break
            }
        }
        if !failMidStream {
            payloads.append(Self.line(["type": "done", "status_code": 200, "done": true]))
        }
        let chunks = payloads.enumerated().map { position, payload in
            let framed = options.framing == .dataLines ? "event: message\ndata: \(payload)\n\n" : "\(payload)\n"
            return TestHTTPResponse.Chunk(framed, after: delay, when: position == payloads.count - 1 ? gate : nil)
        }
        var response = TestHTTPResponse.eventStream(chunks)
        response.headers.append(("X-Request-Id", requestID))
        return response
    }

    static func line(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }
}
