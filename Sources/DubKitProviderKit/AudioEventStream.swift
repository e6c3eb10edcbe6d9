import DubKitHTTP
import Foundation

/// What one event of a provider's audio stream says, as its adapter reads it.
public enum AudioStreamEvent: Sendable, Equatable {
    /// Audio bytes, appended to the result.
    case audio(Data)
    /// The stream is complete.
    case done
    /// The service stopped the stream: its HTTP status (when it says), its code and message.
    case failed(status: Int?, code: String, message: String)
    /// Not what the service documents (not JSON, audio that is not base64), in words.
    case malformed(String)
}

/// An answer streamed as server-sent events that carry audio (Cartesia's `/voice-changer/sse`): the
/// events are decoded as the bytes arrive (``feed(_:)``, called on the HTTP layer's transfer thread),
/// their audio is written to a file at once, and how the stream ended is read after the transfer
/// (``finish()``). Events framed as `data:` fields and bare JSON lines are both taken.
public final class AudioEventStream: @unchecked Sendable {
    /// How the stream ended, as far as its events tell.
    public struct Outcome: Sendable, Equatable {
        /// Audio bytes written.
        public var audioBytes: Int64 = 0
        /// Events that carried audio.
        public var chunks = 0
        /// The stream said it is complete.
        public var done = false
        /// The error the service stopped the stream with: status, code, message.
        public var failure: AudioStreamFailure?
        /// The first thing that was not as documented, or the audio file failing to be written.
        public var malformed: String?
    }

    /// An error event's status, code and message.
    public struct AudioStreamFailure: Sendable, Equatable {
        public var status: Int?
        public var code: String
        public var message: String
    }

    private let lock = NSLock()
    private let output: FileHandle
    private let progress: @Sendable (Int64) -> Void
    private let read: @Sendable (ServerSentEvent) -> [AudioStreamEvent]
    // Guarded by `lock`.
    private var parser = ServerSentEventParser(bareLines: true)
    private var outcome = Outcome()
    private var writeError: String?

    /// A stream writing its audio to `audio` (created empty); `read` says what each event carries, and
    /// `progress` sees the audio bytes written so far. Fails, as the adapter's `Failure`, when the
    /// file cannot be created.
    public init<Failure: AdapterError>(writingTo audio: URL, as errors: Failure.Type,
                                       progress: @escaping @Sendable (Int64) -> Void,
                                       read: @escaping @Sendable (ServerSentEvent) -> [AudioStreamEvent]) throws(Failure) {
        guard FileManager.default.createFile(atPath: audio.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: audio) else {
            throw .jobState(path: audio.path, detail: "the audio file cannot be created")
        }
        output = handle
        self.progress = progress
        self.read = read
    }

    deinit {
        try? output.close()
    }

    /// Takes the next bytes of the answer.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        lock.withLock {
            for event in parser.feed(bytes) { handle(event) }
        }
    }

    /// Ends the stream (a last event without its blank line, or line without its newline, counts) and
    /// closes the audio file.
    public func finish() -> Outcome {
        lock.withLock {
            for event in parser.finish() { handle(event) }
            try? output.synchronize()
            try? output.close()
            if let writeError, outcome.malformed == nil { outcome.malformed = writeError }
            return outcome
        }
    }

    private func handle(_ event: ServerSentEvent) {
        for said in read(event) {
            switch said {
            case let .audio(audio):
                guard writeError == nil else { return }
                do {
                    try output.write(contentsOf: audio)
                } catch {
                    writeError = "the audio could not be written (\(error.localizedDescription))"
                    return
                }
                outcome.audioBytes += Int64(audio.count)
                outcome.chunks += 1
                progress(outcome.audioBytes)
            case .done:
                outcome.done = true
            case let .failed(status, code, message):
                outcome.failure = AudioStreamFailure(status: status, code: code, message: message)
            case let .malformed(detail):
                if outcome.malformed == nil { outcome.malformed = detail }
            }
        }
    }
}

extension AudioEventStream.Outcome {
    /// Throws, as the adapter's `Failure`, unless the stream is whole: `failed` words an error event,
    /// something not as documented is an invalid response, and a stream that ended without saying it
    /// was complete lost its answer.
    public func check<Failure: AdapterError>(operation: String,
                                             failed: (AudioEventStream.AudioStreamFailure) -> Failure) throws(Failure) {
        if let failure { throw failed(failure) }
        if let malformed { throw .invalidResponse(operation: operation, detail: malformed) }
        guard done else {
            throw .answerLost(operation: operation, detail: "the stream ended after \(chunks) chunks without its done event")
        }
    }
}

extension ProviderAPI {
    /// Sends `request` once and reads its answer as an ``AudioEventStream`` writing to `audio`; the raw
    /// events go to `scratch` while they arrive and are removed after. Answers the response headers
    /// once the stream is whole (see ``AudioEventStream/Outcome/check(operation:failed:)``).
    public func exchangeAudioEvents(_ request: HTTPRequest, operation: String, audio: URL, scratch: URL,
                                    progress: @escaping @Sendable (Int64) -> Void,
                                    read: @escaping @Sendable (ServerSentEvent) -> [AudioStreamEvent],
                                    failed: (AudioEventStream.AudioStreamFailure) -> Failure) async throws(Failure) -> HTTPHeaders {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stream = try AudioEventStream(writingTo: audio, as: Failure.self, progress: progress, read: read)
        let response: HTTPResponse
        do {
            response = try await exchange(request, operation: operation, to: scratch) { bytes, _ in stream.feed(bytes) }
        } catch {
            _ = stream.finish()
            throw error
        }
        try stream.finish().check(operation: operation, failed: failed)
        return response.headers
    }
}
