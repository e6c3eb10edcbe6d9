import DubKitHTTP
import Foundation

/// A running external plugin and the JSON-lines conversation with it (see docs/plugins.md).
///
/// One request at a time: a line `{"id", "method", "params"}` on its stdin, one line `{"id", "result"}`
/// or `{"id", "error": {"code", "message"}}` back on its stdout. Its stderr goes to a log file whose
/// tail is quoted when it fails. A plugin that crashes, hangs past the timeout, prints something that
/// is not a response, or answers another id is stopped and reported; the caller is never taken down.
final class PluginConnection: @unchecked Sendable {
    let path: String
    let timeout: Double
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let logURL: URL
    private let queue: DispatchQueue
    // Touched only on `queue`.
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var broken: ProviderError?

    init(executable: URL, timeout: Double, environment: [String: String]) throws(ProviderError) {
        path = executable.path
        self.timeout = timeout
        queue = DispatchQueue(label: "dubkit.plugin.\(executable.lastPathComponent)")
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("dubkit-plugin-\(UUID().uuidString).log")
        signal(SIGPIPE, SIG_IGN)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = executable
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        do {
            process.standardError = try FileHandle(forWritingTo: logURL)
            try process.run()
        } catch {
            throw .pluginCrashed(path: path, detail: "could not be started: \(error.localizedDescription)")
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logURL)
    }

    /// Sends one request and waits for its response's `result`. In a paced call (``PacedProvider``) the
    /// request first waits for its turn, as an HTTP request does; it leaves when its line is written.
    func call(_ method: String, _ params: JSONValue = .object([:])) async throws -> JSONValue {
        let turn = try await HTTPSendPacing.current?.turn()
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.exchange(method, params, turn: turn) })
            }
        }
    }

    private func exchange(_ method: String, _ params: JSONValue, turn: (any SendTurn)?) throws -> JSONValue {
        var left: ContinuousClock.Instant?
        var told = false
        func tell() {
            if !told { turn?.left(at: left) }
            told = true
        }
        defer { tell() }
        if let broken { throw broken }
        let id = nextID
        nextID += 1
        let request = JSONValue.object(["id": .number(Double(id)), "method": .string(method), "params": params])
        do {
            try send(DubParameters.canonical(request) + "\n")
            left = .now
            tell()
            let line = try readLine(method: method)
            return try decode(line, id: id, method: method)
        } catch let error as ProviderError {
            if case .remote = error { throw error }
            broken = error
            stop()
            throw error
        }
    }

    private func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let fd = input.fileHandleForWriting.fileDescriptor
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw crashed("its stdin closed (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
    }

    /// Reads one line from stdout, waiting at most `timeout` seconds in all.
    private func readLine(method: String) throws -> String {
        let fd = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw ProviderError.pluginTimedOut(path: path, method: method, seconds: timeout) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { throw crashed("its stdout failed (\(String(cString: strerror(errno))))") }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw crashed("it exited before answering '\(method)'") }
            buffer.append(contentsOf: chunk[..<count])
            if buffer.count > 64 << 20 { throw ProviderError.pluginProtocol(path: path, detail: "a response line longer than 64 MiB") }
        }
    }

    private func decode(_ line: String, id: Int, method: String) throws -> JSONValue {
        let excerpt = String(line.prefix(120))
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
              case let .object(object) = value
        else {
            throw ProviderError.pluginProtocol(path: path, detail: "answered '\(method)' with a line that is not a JSON object: \(excerpt.debugDescription)")
        }
        guard case let .number(gotID)? = object["id"], gotID == Double(id) else {
            throw ProviderError.pluginProtocol(path: path, detail: "answered id \(object["id"]?.text ?? "none") to request \(id) ('\(method)')")
        }
        if case let .object(error)? = object["error"] {
            let code = error["code"].flatMap { if case let .string(s) = $0 { s } else { nil } } ?? "plugin_error"
            let message = error["message"].flatMap { if case let .string(s) = $0 { s } else { nil } } ?? "no message"
            throw ProviderError.remote(provider: URL(fileURLWithPath: path).lastPathComponent, status: nil, code: code, message: message)
        }
        guard let result = object["result"] else {
            throw ProviderError.pluginProtocol(path: path, detail: "the response to '\(method)' has neither result nor error")
        }
        return result
    }

    private func crashed(_ detail: String) -> ProviderError {
        // Its pipes closed: give it a moment to finish exiting, so its own exit status is reported.
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        stop()
        let status = process.isRunning ? "" : " (exit status \(process.terminationStatus))"
        let tail = ((try? String(contentsOf: logURL, encoding: .utf8)) ?? "")
            .split(separator: "\n").suffix(3).joined(separator: " | ")
        return .pluginCrashed(path: path, detail: detail + status + (tail.isEmpty ? "" : "; its log: \(tail)"))
    }

    private func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }
}
