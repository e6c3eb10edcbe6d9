import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// A service that converts in one request, over real HTTP: the staged WAV is POSTed to a test server
/// whose answer is the audio (raw 16-bit PCM at 16 kHz, or a WAV stored as it comes).
struct EchoService: SynchronousService {
    /// What one request asks for: whether the answer comes as raw samples or as a WAV.
    struct Request: Codable, Sendable, Equatable {
        var raw: Bool
    }

    enum Failure: AdapterError, Equatable {
        case invalidValue(field: String, value: String, allowed: String)
        case unreachable(operation: String, detail: String)
        case answerLost(operation: String, detail: String)
        case invalidResponse(operation: String, detail: String)
        case jobState(path: String, detail: String)
        case refused(status: Int)
        case audio(path: String)

        static func refusal(_ response: HTTPResponse, operation: String) -> Failure { .refused(status: response.status) }

        var isAnswerLost: Bool {
            if case .answerLost = self { true } else { false }
        }
    }

    let url: URL
    let http: HTTPClient

    var billing: Billing { .perMinuteProrated(credits: 1000, minimum: 0) }
    var inputField: String { "audio" }
    var requestIDHeaders: [String] { ["X-Request-Id", "request-id"] }

    func stage(_ audio: URL, into folder: URL, for conversion: Request) throws(Failure) -> StagedInput {
        guard let seconds = (try? MediaProbe.probe(audio))?.durationSeconds else { throw .audio(path: audio.path) }
        let file = folder.appendingPathComponent("input.wav")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try StagedInput.place(audio, at: file)
        } catch {
            throw .audio(path: file.path)
        }
        return StagedInput(name: file.lastPathComponent, contentType: "audio/wav", durationMs: Int64((seconds * 1000).rounded()))
    }

    func send(_ conversion: Request, input: URL, contentType: String, to audio: URL, in folder: URL,
              written: @escaping @Sendable (Int64) -> Void) async throws(Failure) -> HTTPHeaders {
        let response: HTTPResponse
        do {
            response = try await http.exchange(HTTPRequest(.post, url, body: .file(input, contentType: contentType)), to: audio) { chunk, offset in
                written(offset + Int64(chunk.count))
            }
        } catch {
            throw .unreachable(operation: "POST /convert", detail: "\(error)")
        }
        guard (200..<300).contains(response.status) else { throw .refused(status: response.status) }
        return response.headers
    }

    func answer(to conversion: Request) -> ConversionAnswer {
        ConversionAnswer(operation: "POST /convert", formatName: "pcm_16000", rawEncoding: conversion.raw ? .s16le : nil,
                         sampleRate: 16_000, codecName: "pcm_s16le", fileExtension: "wav", bytesPerSecond: 32_000)
    }
}

@Suite("synchronous dubs: one request, its audio stored before the job says converted")
struct SynchronousDubsTests {
    /// One second of a 440 Hz tone, 16-bit mono at `rate`, headerless.
    static func tone(rate: Int, seconds: Double = 1) -> Data {
        var data = Data()
        for index in 0..<Int(Double(rate) * seconds) {
            let sample = Int16(8000 * sin(2 * Double.pi * 440 * Double(index) / Double(rate)))
            withUnsafeBytes(of: sample.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// `raw` written as a WAV of 16-bit PCM at `rate`.
    static func wav(_ raw: Data, rate: Int, at url: URL) throws -> URL {
        let bare = url.appendingPathExtension("raw")
        try raw.write(to: bare)
        _ = try RawAudioWAV.wrap(bare, encoding: .s16le, sampleRate: rate, to: url)
        try FileManager.default.removeItem(at: bare)
        return url
    }

    static func dubs(_ folder: URL, _ server: TestHTTPServer) throws -> SynchronousDubs<EchoService> {
        SynchronousDubs(folder: folder, service: EchoService(url: server.url("/convert"), http: try HTTPClient(configuration: .init(retryPolicy: .never))))
    }

    static func contents(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test("an answer cut off stores nothing and is sent again; once stored, later runs never send it again")
    func sendsOnceStoresFirst() async throws {
        let dir = try TemporaryDirectory()
        let input = try Self.wav(Self.tone(rate: 16_000), rate: 16_000, at: dir.path("talk.wav"))
        let answer = Self.tone(rate: 16_000)
        let served = Locked(0)
        let server = try TestHTTPServer { _ in
            let count = served.withLock { count in count += 1; return count }
            guard count > 1 else {
                var cut = TestHTTPResponse(headers: [("X-Request-Id", "req-1")], body: .bytes(answer))
                cut.dropAfterBytes = answer.count / 3
                return cut
            }
            // In four pieces, so progress is seen between them.
            let pieces = stride(from: 0, to: answer.count, by: 8000).map { start in
                TestHTTPResponse.Chunk(data: Data(answer[start..<min(start + 8000, answer.count)]), after: 0.02)
            }
            return TestHTTPResponse(headers: [("X-Request-Id", "req-\(count)")], body: .chunked(pieces))
        }
        let dubs = try Self.dubs(dir.path("state"), server)
        let created = try dubs.create(EchoService.Request(raw: true))
        #expect(created.status == .new)
        let id = created.jobID
        let uploaded = try await dubs.upload(jobID: id, audio: input)
        #expect(uploaded.status == .uploaded && uploaded.inputDurationMs == 1000)
        let measured = try dubs.preprocess(jobID: id)
        // 1,000 credits a minute, prorated: 1 s is 16.7, rounded up.
        #expect(measured.status == .preprocessed && measured.creditsRequired == 17)

        await #expect(throws: EchoService.Failure.self) { try await dubs.generate(jobID: id) { _ in } }
        #expect(try dubs.poll(jobID: id).status == .preprocessed && dubs.jobs.load(id).stage == .preprocessed)
        #expect(Self.contents(dubs.jobs.files(id)) == ["input.wav"])

        let reports = Locked<[Double]>([])
        let done = try await dubs.generate(jobID: id) { value in reports.withLock { $0.append(value) } }
        #expect(done.status == .done && done.creditsUsed == 17)
        #expect(reports.current.last == 1 && reports.current.contains { $0 > 0 && $0 < 1 })
        #expect(reports.current == reports.current.sorted())
        // The staged input is gone, the result decodes as the 16 kHz PCM asked for, byte for byte.
        #expect(Self.contents(dubs.jobs.files(id)) == ["result.wav"])
        let result = dubs.jobs.files(id).appendingPathComponent("result.wav")
        let stream = try #require(try MediaProbe.probe(result).audioStreams.first)
        #expect(stream.codecName == "pcm_s16le" && stream.sampleRate == 16_000)
        let layout = try RawAudioWAV.layout(of: result)
        #expect(try Data(contentsOf: result).suffix(Int(layout.dataBytes)) == answer)
        let job = try dubs.jobs.load(id)
        #expect(job.attempts == 2 && job.requestID == "req-2" && job.stage == .converted)

        // A later process (another value over the same folder) finds it done and sends nothing.
        let later = try Self.dubs(dir.path("state"), server)
        #expect(try await later.generate(jobID: id) { _ in }.status == .done)
        #expect(served.current == 2)
        try later.download(jobID: id, to: dir.path("out.wav"))
        #expect(try Data(contentsOf: dir.path("out.wav")) == Data(contentsOf: result))
    }

    @Test("an empty answer or audio at another rate is refused, nothing is kept, and the job can be sent again")
    func refusesWrongAnswers() async throws {
        let dir = try TemporaryDirectory()
        let input = try Self.wav(Self.tone(rate: 16_000), rate: 16_000, at: dir.path("talk.wav"))
        let other = try Data(contentsOf: Self.wav(Self.tone(rate: 8000), rate: 8000, at: dir.path("8k.wav")))
        let served = Locked(0)
        let server = try TestHTTPServer { _ in
            served.withLock { count in count += 1; return count } == 1 ? TestHTTPResponse(body: .bytes(Data())) : TestHTTPResponse(body: .bytes(other))
        }
        let dubs = try Self.dubs(dir.path("state"), server)
        let id = try dubs.create(EchoService.Request(raw: false)).jobID
        _ = try await dubs.upload(jobID: id, audio: input)
        _ = try dubs.preprocess(jobID: id)
        await #expect(throws: EchoService.Failure.invalidResponse(operation: "POST /convert", detail: "200 with no audio")) {
            try await dubs.generate(jobID: id) { _ in }
        }
        #expect(try dubs.poll(jobID: id).status == .preprocessed)
        await #expect(throws: EchoService.Failure.invalidResponse(operation: "POST /convert",
                                                                  detail: "the answer is not pcm_16000 audio (pcm_s16le at 8000 Hz)")) {
            try await dubs.generate(jobID: id) { _ in }
        }
        #expect(try dubs.poll(jobID: id).status == .preprocessed)
        #expect(Self.contents(dubs.jobs.files(id)) == ["input.wav"])
        #expect(try dubs.jobs.load(id).attempts == 2)
    }

    @Test("steps out of order, a lost input and unknown ids name what is wrong; old results are pruned")
    func refusalsAndPruning() async throws {
        let dir = try TemporaryDirectory()
        let input = try Self.wav(Self.tone(rate: 16_000), rate: 16_000, at: dir.path("talk.wav"))
        let answer = Self.tone(rate: 16_000)
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: .bytes(answer)) }
        let dubs = try Self.dubs(dir.path("state"), server)
        let id = try dubs.create(EchoService.Request(raw: true)).jobID
        #expect(throws: EchoService.Failure.invalidValue(field: "audio", value: "none", allowed: "an uploaded input (upload comes first)")) {
            try dubs.preprocess(jobID: id)
        }
        #expect(throws: EchoService.Failure.invalidValue(field: "job \(id)", value: "created", allowed: "a converted job")) {
            try dubs.download(jobID: id, to: dir.path("out.wav"))
        }
        _ = try await dubs.upload(jobID: id, audio: input)
        await #expect(throws: EchoService.Failure.invalidValue(field: "job \(id) stage", value: "uploaded", allowed: "preprocessed")) {
            try await dubs.generate(jobID: id) { _ in }
        }
        _ = try dubs.preprocess(jobID: id)
        let staged = dubs.jobs.files(id).appendingPathComponent("input.wav")
        try FileManager.default.removeItem(at: staged)
        await #expect(throws: EchoService.Failure.jobState(path: staged.path, detail: "the staged input is gone; run `dubkit dub retry` to start a new job")) {
            try await dubs.generate(jobID: id) { _ in }
        }
        #expect(server.requests.isEmpty)
        let missing = dubs.jobs.url("nope").path
        #expect(throws: EchoService.Failure.jobState(path: missing, detail: JobFolderError.missing(path: missing).detail
                                                         + "; run `dubkit dub retry` to start a new job")) {
            try dubs.poll(jobID: "nope")
        }
        #expect(throws: EchoService.Failure.invalidValue(field: "job id", value: JobFolderError.invalidID("../x").detail,
                                                         allowed: "an id made by this adapter")) {
            try dubs.poll(jobID: "../x")
        }

        let kept = try dubs.create(EchoService.Request(raw: true)).jobID
        _ = try await dubs.upload(jobID: kept, audio: input)
        _ = try dubs.preprocess(jobID: kept)
        #expect(try await dubs.generate(jobID: kept) { _ in }.status == .done)
        let stored = try #require(try dubs.jobs.load(kept).convertedAt)
        dubs.pruneOldResults(now: stored.addingTimeInterval(SynchronousDubs<EchoService>.resultLifetime - 60))
        #expect(Self.contents(dubs.jobs.files(kept)) == ["result.wav"])
        dubs.pruneOldResults(now: stored.addingTimeInterval(SynchronousDubs<EchoService>.resultLifetime + 60))
        #expect(!FileManager.default.fileExists(atPath: dubs.jobs.files(kept).path))
        #expect {
            try dubs.download(jobID: kept, to: dir.path("out.wav"))
        } throws: { error in
            guard case let .jobState(path, detail)? = error as? EchoService.Failure else { return false }
            return path.hasSuffix("\(kept)/result.wav") && detail.hasPrefix("the stored result cannot be copied")
        }
    }

    @Test("a job file written by the adapters' earlier job records is read and carried on by a later run")
    func readsEarlierJobFiles() async throws {
        let dir = try TemporaryDirectory()
        let answer = Self.tone(rate: 16_000)
        let server = try TestHTTPServer { _ in TestHTTPResponse(headers: [("request-id", "r-9")], body: .bytes(answer)) }
        let dubs = try Self.dubs(dir.path("state"), server)
        // The shape ElevenLabsJob and CartesiaJob wrote (sorted keys; no result yet).
        let record = #"{"attempts":1,"conversion":{"raw":true},"id":"4f1c","input":"input.wav","inputContentType":"audio/wav","inputDurationMs":1000,"stage":"converting"}"#
        try FileManager.default.createDirectory(at: dubs.jobs.files("4f1c"), withIntermediateDirectories: true)
        try Data(record.utf8).write(to: dubs.jobs.url("4f1c"))
        _ = try Self.wav(Self.tone(rate: 16_000), rate: 16_000, at: dubs.jobs.files("4f1c").appendingPathComponent("input.wav"))
        let state = try dubs.poll(jobID: "4f1c")
        #expect(state.status == .preprocessed && state.inputDurationMs == 1000 && state.creditsRequired == 17)
        #expect(try await dubs.generate(jobID: "4f1c") { _ in }.status == .done)
        let job = try dubs.jobs.load("4f1c")
        #expect(job.attempts == 2 && job.requestID == "r-9" && job.result == "result.wav")
    }
}
