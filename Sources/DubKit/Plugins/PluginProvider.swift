import Foundation

/// A provider served by an external executable, `dubkit-provider-<id>`, over JSON lines.
public final class PluginProvider: Provider {
    /// The protocol version this build speaks; sent in the handshake.
    public static let protocolVersion = 1

    public let descriptor: ProviderDescriptor
    /// The executable.
    public let executable: URL
    private let connection: PluginConnection

    private init(descriptor: ProviderDescriptor, executable: URL, connection: PluginConnection) {
        self.descriptor = descriptor
        self.executable = executable
        self.connection = connection
    }

    /// Starts the plugin, checks the protocol version and reads its descriptor.
    public static func launch(_ executable: URL, expectedID: String, timeout: Double = 30,
                              environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> PluginProvider {
        let connection = try PluginConnection(executable: executable, timeout: timeout, environment: environment)
        let hello = try await connection.call("handshake", .object(["protocolVersion": .number(Double(protocolVersion))]))
        guard case let .object(fields) = hello, case let .number(version)? = fields["protocolVersion"] else {
            throw ProviderError.pluginProtocol(path: executable.path, detail: "the handshake answer has no protocolVersion")
        }
        guard Int(version) == protocolVersion else {
            throw ProviderError.pluginProtocol(
                path: executable.path, detail: "it speaks protocol \(Int(version)); this DubKit speaks \(protocolVersion)")
        }
        let descriptor: ProviderDescriptor = try decode(try await connection.call("describe"), as: ProviderDescriptor.self, executable: executable, method: "describe")
        guard descriptor.id == expectedID else {
            throw ProviderError.pluginProtocol(
                path: executable.path, detail: "it describes itself as '\(descriptor.id)' but is named for '\(expectedID)'")
        }
        return PluginProvider(descriptor: descriptor, executable: executable, connection: connection)
    }

    private static func decode<T: Decodable>(_ value: JSONValue, as type: T.Type, executable: URL, method: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(DubParameters.canonical(value).utf8))
        } catch {
            throw ProviderError.pluginProtocol(path: executable.path, detail: "the result of '\(method)' does not fit: \(error)")
        }
    }

    private func call<T: Decodable>(_ method: String, _ params: some Encodable, as type: T.Type) async throws -> T {
        let data = try JSONEncoder().encode(params)
        let value = try JSONDecoder().decode(JSONValue.self, from: data)
        return try Self.decode(try await connection.call(method, value), as: T.self, executable: executable, method: method)
    }

    private struct Job: Encodable { var jobId: String }
    private struct JobFile: Encodable { var jobId: String; var path: String }
    private struct VoiceRef: Encodable { var voiceId: String }
    private struct VoiceFile: Encodable { var voiceId: String; var path: String }
    private struct Empty: Codable {}

    public func voices(_ query: VoiceQuery) async throws -> VoicePage {
        try await call("voices", query, as: VoicePage.self)
    }

    public func account() async throws -> ProviderAccount {
        try await call("account", Empty(), as: ProviderAccount.self)
    }

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await call("dub.create", request, as: DubJobState.self)
    }

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await call("dub.upload", JobFile(jobId: jobID, path: audio.path), as: DubJobState.self)
    }

    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await call("dub.preprocess", Job(jobId: jobID), as: DubJobState.self)
    }

    public func generateDub(jobID: String) async throws -> DubJobState {
        try await call("dub.generate", Job(jobId: jobID), as: DubJobState.self)
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await call("dub.poll", Job(jobId: jobID), as: DubJobState.self)
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        _ = try await call("dub.download", JobFile(jobId: jobID, path: destination.path), as: Empty.self)
        guard FileManager.default.fileExists(atPath: destination.path) else {
            throw ProviderError.pluginProtocol(path: executable.path, detail: "'dub.download' wrote nothing to \(destination.path)")
        }
    }

    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState {
        try await call("voice.create", request, as: VoiceJobState.self)
    }

    public func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState {
        try await call("voice.upload", VoiceFile(voiceId: voiceID, path: file.path), as: VoiceJobState.self)
    }

    public func trainVoice(voiceID: String) async throws -> VoiceJobState {
        try await call("voice.train", VoiceRef(voiceId: voiceID), as: VoiceJobState.self)
    }

    public func pollVoice(voiceID: String) async throws -> VoiceJobState {
        try await call("voice.poll", VoiceRef(voiceId: voiceID), as: VoiceJobState.self)
    }
}
