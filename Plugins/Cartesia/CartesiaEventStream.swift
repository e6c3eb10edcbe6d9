import Foundation

/// Decodes the voice changer's event stream as its bytes arrive and writes the audio of each `chunk`
/// event to a file at once. Events are JSON objects, framed either as server-sent events (`data: {...}`
/// lines, a blank line after each) or as bare JSON lines; both are taken, and other SSE fields
/// (`event:`, `id:`, comments) are skipped.
///
/// The HTTP layer calls ``feed(_:)`` from its transfer thread; the outcome is read after the transfer.
final class CartesiaEventStream: @unchecked Sendable {
    /// How the stream ended, as far as its events tell.
    struct Outcome: Sendable {
        /// Audio bytes written.
        var audioBytes: Int64
        /// Chunk events seen.
        var chunks: Int
        /// A `done` event (or `done: true`) arrived.
        var done: Bool
        /// An `error` event: its status, code and message.
        var error: (status: Int?, code: String, message: String)?
        /// Something that is not JSON where an event was expected, or a chunk whose data is not base64.
        var malformed: String?
    }

    private let lock = NSLock()
    private let output: FileHandle
    private let progress: @Sendable (Int64) -> Void
    // Guarded by `lock`.
    private var line = Data()
    private var pendingData: [String] = []
    private var state = Outcome(audioBytes: 0, chunks: 0, done: false)
    private var writeError: String?

    /// A decoder writing audio to `audio` (created empty); `progress` sees the audio bytes written so far.
    init(writingTo audio: URL, progress: @escaping @Sendable (Int64) -> Void) throws(CartesiaError) {
        guard FileManager.default.createFile(atPath: audio.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: audio) else {
            throw .jobState(path: audio.path, detail: "the audio file cannot be created")
        }
        output = handle
        self.progress = progress
    }

    deinit {
        try? output.close()
    }

    /// Takes the next bytes of the answer.
    func feed(_ bytes: UnsafeRawBufferPointer) {
        lock.withLock {
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    endLine()
                } else {
                    line.append(byte)
                }
            }
        }
    }

    /// Ends the stream (a last line without its newline counts) and closes the audio file.
    func finish() -> Outcome {
        lock.withLock {
            if !line.isEmpty { endLine() }
            dispatchPending()
            try? output.synchronize()
            try? output.close()
            if let writeError, state.malformed == nil { state.malformed = writeError }
            return state
        }
    }

    private func endLine() {
        var text = String(decoding: line, as: UTF8.self)
        line.removeAll(keepingCapacity: true)
        if text.hasSuffix("\r") { text.removeLast() }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            dispatchPending()
        } else if trimmed.hasPrefix("data:") {
            var value = String(trimmed.dropFirst(5))
            if value.hasPrefix(" ") { value.removeFirst() }
            pendingData.append(value)
            // One JSON object per data line is the usual framing: dispatch it without waiting for the blank line.
            if pendingData.count == 1, let data = value.data(using: .utf8),
               let event = try? JSONDecoder().decode(CartesiaStreamEvent.self, from: data) {
                pendingData.removeAll()
                handle(event)
            }
        } else if trimmed.hasPrefix("{") {
            dispatchPending()
            decode(trimmed)
        }
        // `event:`, `id:`, `retry:` and `:` comments carry nothing the adapter needs.
    }

    private func dispatchPending() {
        guard !pendingData.isEmpty else { return }
        let joined = pendingData.joined(separator: "\n")
        pendingData.removeAll()
        decode(joined)
    }

    private func decode(_ text: String) {
        guard let data = text.data(using: .utf8), let event = try? JSONDecoder().decode(CartesiaStreamEvent.self, from: data) else {
            if state.malformed == nil { state.malformed = "an event that is not JSON: \(String(text.prefix(80)))" }
            return
        }
        handle(event)
    }

    private func handle(_ event: CartesiaStreamEvent) {
        switch event.type {
        case "chunk"?:
            if let encoded = event.data {
                guard let audio = Data(base64Encoded: encoded) else {
                    if state.malformed == nil { state.malformed = "a chunk whose data is not base64" }
                    return
                }
                do {
                    try output.write(contentsOf: audio)
                } catch {
                    writeError = "the audio could not be written (\(error.localizedDescription))"
                    return
                }
                state.audioBytes += Int64(audio.count)
                state.chunks += 1
                progress(state.audioBytes)
            }
            if event.done == true { state.done = true }
        case "done"?:
            state.done = true
        case "error"?:
            let message = [event.title, event.message ?? event.error].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            state.error = (event.statusCode, event.errorCode ?? "stream_error", message.isEmpty ? "(no details)" : message)
        default:
            // Events of other types (timestamps, flush acknowledgements) carry no audio.
            if event.done == true && event.type == nil { state.done = true }
        }
    }
}
