import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import Foundation

extension FakeVoiceConvert {
    private static func invalid(_ message: String) -> TestHTTPResponse {
        error(400, "invalid_request", "invalid_request_error", message)
    }

    /// Why the body is refused, nil when it is fine (unknown fields are ignored; `null` counts as absent).
    static func check(_ body: [String: FakeJSON]) -> String? {
        for name in ["source_audio_url", "reference_audio_url"] {
            guard case let .string(text)? = body[name] else { return "\(name) is required and must be a string" }
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                return "\(name) must be an http(s) URL"
            }
        }
        let integers: [(String, ClosedRange<Double>)] = [("diffusion_steps", 1...200), ("pitch_shift", -24...24)]
        for (name, range) in integers {
            switch body[name] {
            case nil, .null?: continue
            case let .number(value)? where value.rounded() == value && range.contains(value): continue
            default: return "\(name) must be a whole number from \(Int(range.lowerBound)) to \(Int(range.upperBound))"
            }
        }
        let numbers: [(String, ClosedRange<Double>)] = [
            ("length_adjust", 0.5...2.0), ("inference_cfg_rate", 0...1), ("vocals_gain", 0...10), ("accompaniment_gain", 0...10),
        ]
        for (name, range) in numbers {
            switch body[name] {
            case nil, .null?: continue
            case let .number(value)? where range.contains(value): continue
            default: return "\(name) must be a number from \(range.lowerBound) to \(range.upperBound)"
            }
        }
        for name in ["auto_f0_adjust", "enable_separation"] {
            switch body[name] {
            case nil, .null?, .bool?: continue
            default: return "\(name) must be a boolean"
            }
        }
        switch body["return_format"] {
        case nil, .null?, .string("wav")?, .string("mp3")?: break
        default: return "return_format must be wav or mp3"
        }
        switch body["metadata"] {
        case nil, .null?, .object?: break
        default: return "metadata must be an object"
        }
        return nil
    }

    func convert(_ request: TestHTTPRequest, failure: (String, String)?) -> TestHTTPResponse {
        guard let body = try? JSONDecoder().decode([String: FakeJSON].self, from: request.body) else {
            return Self.invalid("the body must be a JSON object")
        }
        if let problem = Self.check(body) { return Self.invalid(problem) }
        guard case let .string(source)? = body["source_audio_url"], case let .string(reference)? = body["reference_audio_url"] else {
            return Self.invalid("source_audio_url and reference_audio_url are required")
        }
        var lengthAdjust = 1.0
        if case let .number(value)? = body["length_adjust"] { lengthAdjust = value }
        var format = "wav"
        if case let .string(value)? = body["return_format"] { format = value }
        var failure = failure
        var result: Data?
        var seconds = 0.0
        if failure == nil {
            switch (fetch(source), fetch(reference)) {
            case let (.success(sourceFile), .success(referenceFile)):
                if (try? MediaProbe.probe(referenceFile).audioStreams.isEmpty) != false {
                    failure = ("invalid_audio", "reference_audio_url does not hold audio")
                } else if let rendered = render(sourceFile, lengthAdjust: lengthAdjust, format: format) {
                    (result, seconds) = rendered
                } else {
                    failure = ("invalid_audio", "source_audio_url does not hold audio")
                }
            case let (.failure(reason), _): failure = ("fetch_failed", "source_audio_url: \(reason.message)")
            case let (_, .failure(reason)): failure = ("fetch_failed", "reference_audio_url: \(reason.message)")
            }
        }
        let cost = 2 * max(1, Int64(seconds.rounded(.up)))
        if failure == nil, cost > state.current.credits {
            return Self.error(402, "insufficient_credits", "billing_error",
                              "This conversion needs \(cost) voice credits; \(state.current.credits) left")
        }
        let now = Date()
        var task = Task(id: UUID().uuidString.lowercased(), createdAt: now, body: body, result: result, format: format,
                        outputSeconds: seconds, failure: failure)
        task.shown = ["pending"]
        state.withLock { [task] in $0.tasks[task.id] = task }
        let answer: [String: FakeJSON] = [
            "task_id": .string(task.id), "status": .string("pending"), "capability": .string("voice"),
            "action": .string("vocal-conversion"), "model": .string("voice-convert"),
            "created_at": .number(now.timeIntervalSince1970.rounded(.down)),
        ]
        return .json(answer, status: 202)
    }

    func getTask(_ id: String) -> TestHTTPResponse {
        let now = Date()
        let found: (task: Task, status: String)? = state.withLock { state in
            guard var task = state.tasks[id] else { return nil }
            let status = task.status(at: now, stage: options.stageDuration, holding: state.held)
            task.shown.insert(status)
            // Settled on completion: charged once, and only when it completed.
            if status == "completed", task.charged == nil {
                let cost = 2 * max(1, Int64(task.outputSeconds.rounded(.up)))
                task.charged = cost
                state.credits -= cost
            }
            state.tasks[id] = task
            return (task, status)
        }
        guard let (task, status) = found else { return Self.error(404, "task_not_found", "invalid_request_error", "No task \(id)") }
        var body: [String: FakeJSON] = [
            "task_id": .string(task.id), "status": .string(status), "capability": .string("voice"),
            "action": .string("vocal-conversion"), "model": .string("voice-convert"),
            "progress": .number(status == "pending" ? 0 : status == "processing" ? 50 : 100),
            "error": .null, "credits_used": .number(Double(task.charged ?? 0)),
            "created_at": .number(task.createdAt.timeIntervalSince1970.rounded(.down)),
            "completed_at": ["completed", "failed", "cancelled"].contains(status) ? .number(now.timeIntervalSince1970.rounded(.down)) : .null,
            "metadata": task.body["metadata"] ?? .null,
        ]
        if status == "completed" {
            var link = url("/oss/\(task.id)/converted.\(task.format)").absoluteString
            if let lifetime = options.audioURLLifetime {
                let signature = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                let expires = now.addingTimeInterval(Self.seconds(lifetime))
                state.withLock { $0.tasks[id]?.signatures[signature] = expires }
                link += "?OSSAccessKeyId=fake&Expires=\(Int(expires.timeIntervalSince1970.rounded(.up)))&Signature=\(signature)"
            }
            body["audioUrl"] = .string(link)
            body["format"] = .string(task.format)
            body["degraded"] = .bool(false)
            body["providerUsed"] = .string("voice-convert-1")
        } else if status == "failed", let failure = task.failure {
            body["error"] = .object(["code": .string(failure.code), "message": .string(failure.message), "type": .string("task_error")])
        }
        return .json(body)
    }

    /// The result file: storage, no key; Range served.
    func download(taskID: String, request: TestHTTPRequest) -> TestHTTPResponse {
        let current = state.current
        guard let task = current.tasks[taskID], let result = task.result,
              task.status(at: Date(), stage: options.stageDuration, holding: current.held) == "completed" else {
            return .text("<Error><Code>NoSuchKey</Code></Error>", status: 404)
        }
        if options.audioURLLifetime != nil {
            // Signed links, as object storage checks them: the signature first, then its expiry.
            guard let signature = request.query("Signature"), let expires = task.signatures[signature] else {
                return .text("<Error><Code>SignatureDoesNotMatch</Code></Error>", status: 403)
            }
            guard expires > Date() else {
                return .text("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", status: 403)
            }
        }
        var response = TestHTTPResponse(status: 200, headers: [("Content-Type", task.format == "mp3" ? "audio/mpeg" : "audio/wav")],
                                        body: .bytes(result))
        response.acceptsRanges = true
        switch takeFault(.downloadAudio) {
        case let .rateLimited(seconds)?:
            response = .text("SlowDown", status: 503)
            response.headers.append(("Retry-After", String(seconds)))
        case .serverError?: response = .text("InternalError", status: 500)
        case .dropConnection?, .dropAfterProcessing?: response.dropAfterBytes = result.count / 2
        case let .slow(duration)?: response.delay = Self.seconds(duration)
        case .taskFails?, nil: break
        }
        return response
    }

    struct FetchFailure: Error {
        var message: String
    }

    /// Fetches an audio URL into the scratch folder; only 127.0.0.1 and localhost are reached.
    private func fetch(_ address: String) -> Result<URL, FetchFailure> {
        guard let url = URL(string: address), ["127.0.0.1", "localhost"].contains(url.host ?? "") else {
            return .failure(FetchFailure(message: "\(address) could not be fetched (the fake reaches only 127.0.0.1)"))
        }
        let target = scratch.path("fetch-\(UUID().uuidString)")
        let outcome = Locked<Result<URL, FetchFailure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let http = self.http
        _Concurrency.Task {
            do {
                _ = try await http.download(HTTPRequest(.get, url), to: target)
                outcome.withLock { $0 = .success(target) }
            } catch {
                outcome.withLock { $0 = .failure(FetchFailure(message: "\(address) could not be fetched (\(error.localizedDescription))")) }
            }
            done.signal()
        }
        done.wait()
        return outcome.current ?? .failure(FetchFailure(message: "\(address) could not be fetched"))
    }

    /// The source decoded to 44.1 kHz mono and stretched to `lengthAdjust` times its length, as WAV or MP3.
    private func render(_ source: URL, lengthAdjust: Double, format: String) -> (Data, Double)? {
        let decoded = scratch.path("decoded-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: decoded) }
        guard (try? AudioExtractor.extractAudio(
            from: source, to: decoded, options: AudioExtractionOptions(sampleRate: 44_100, channels: .mono, format: .wav))) != nil,
              let wav = try? Data(contentsOf: decoded), let samples = Self.samples(ofWAV: wav), !samples.isEmpty else { return nil }
        let count = max(1, Int((Double(samples.count) * lengthAdjust).rounded()))
        let stretched = (0..<count).map { samples[min(samples.count - 1, Int(Double($0) / lengthAdjust))] }
        let output = Self.wav(stretched, rate: 44_100)
        let seconds = Double(count) / 44_100
        guard format == "mp3" else { return (output, seconds) }
        let wavFile = scratch.path("stretched-\(UUID().uuidString).wav")
        let mp3File = scratch.path("stretched-\(UUID().uuidString).mp3")
        defer {
            try? FileManager.default.removeItem(at: wavFile)
            try? FileManager.default.removeItem(at: mp3File)
        }
        guard (try? output.write(to: wavFile)) != nil,
              (try? AudioExtractor.extractAudio(from: wavFile, to: mp3File, options: AudioExtractionOptions(format: .mp3))) != nil,
              let mp3 = try? Data(contentsOf: mp3File) else { return nil }
        return (mp3, seconds)
    }

    /// The 16-bit samples of a mono PCM WAV's `data` chunk.
    static func samples(ofWAV data: Data) -> [Int16]? {
        let bytes = [UInt8](data)
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            let start = offset + 8
            if id == "data" {
                let end = min(bytes.count, start + size)
                return stride(from: start, to: end - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
            }
            offset = start + size + (size & 1)
        }
        return nil
    }

    /// A mono 16-bit PCM WAV.
    static func wav(_ samples: [Int16], rate: Int) -> Data {
        var data = Data()
        func append32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); append32(36 + samples.count * 2); data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); append32(16); append16(1); append16(1); append32(rate); append32(rate * 2)
        append16(2); append16(16)
        data.append(contentsOf: Array("data".utf8)); append32(samples.count * 2)
        for sample in samples { withUnsafeBytes(of: sample.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}
