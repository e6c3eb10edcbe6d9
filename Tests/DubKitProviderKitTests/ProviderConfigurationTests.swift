import DubKit
import DubKitProviderKit
import DubKitTestSupport
import Foundation
import Testing

/// A wire error type as an adapter's: the two failures the kit makes, and its mapping to the core's error.
enum WireError: ProviderWireError, Equatable {
    case missingKey(variable: String)
    case invalidValue(field: String, value: String, allowed: String)
    case refused(code: String)

    var providerError: ProviderError {
        switch self {
        case let .missingKey(variable): .missingKey(provider: "wire", variable: variable)
        case let .invalidValue(field, value, allowed): .invalidParameter(provider: "wire", field: field, value: value, allowed: allowed)
        case let .refused(code): .remote(provider: "wire", status: 400, code: code, message: "refused")
        }
    }
}

/// A provider that only fails, to see what the kit's `typed` hands the core.
struct FailingProvider: Provider {
    let descriptor = ProviderConfigurationTests.descriptor
    func voices(_ query: VoiceQuery) async throws -> VoicePage {
        try await typed { throw WireError.refused(code: "voice_refused") }
    }
}

@Suite("a provider's environment, read once: base URL, key and poll interval")
struct ProviderConfigurationTests {
    static let descriptor = ProviderDescriptor(
        id: "wire", name: "Wire", capabilities: [.convert], keyVariable: "WIRE_API_KEY", baseURL: "https://api.wire.test/v1",
        baseURLVariable: "WIRE_BASE_URL", minimumPollInterval: 3)

    static func environment(_ values: [String: String], _ dir: TemporaryDirectory) -> [String: String] {
        values.merging(["DUBKIT_CONFIG_DIR": dir.path("config").path]) { $1 }
    }

    @Test("the descriptor's base URL, or its variable's; the key from its variable; the descriptor's poll interval")
    func defaultsAndOverrides() throws {
        let dir = try TemporaryDirectory()
        let plain = try ProviderConfiguration<WireError>(Self.descriptor, environment: Self.environment(["WIRE_API_KEY": "k1"], dir))
        #expect(plain.baseURL.absoluteString == "https://api.wire.test/v1")
        #expect(plain.baseURLVariable == "WIRE_BASE_URL")
        #expect(try plain.key() == "k1")
        #expect(plain.pollInterval == 3)

        let local = try ProviderConfiguration<WireError>(
            Self.descriptor, environment: Self.environment(["WIRE_BASE_URL": "http://127.0.0.1:8080", "DUBKIT_POLL_INTERVAL": "0.05"], dir),
            pollInterval: 10)
        #expect(local.baseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(local.pollInterval == 0.05)
        #expect(throws: WireError.missingKey(variable: "WIRE_API_KEY")) { try local.key() }
    }

    @Test("a base URL that is not http(s) is refused naming its variable, before any request")
    func badBaseURL() throws {
        let dir = try TemporaryDirectory()
        for value in ["ftp://api.wire.test", "api.wire.test", "http://"] {
            #expect(throws: ProviderError.invalidParameter(provider: "wire", field: "WIRE_BASE_URL", value: value, allowed: "an http(s) URL")) {
                try ProviderConfiguration<WireError>(Self.descriptor, environment: Self.environment(["WIRE_BASE_URL": value], dir))
            }
        }
    }

    @Test("DUBKIT_POLL_INTERVAL counts only as a positive number of seconds", arguments: [
        ("0.25", 0.25 as Double?), ("2", 2), ("0", nil), ("-1", nil), ("soon", nil), ("", nil), ("inf", nil), ("nan", nil),
    ])
    func pollIntervalOverride(text: String, expected: Double?) {
        #expect(PollInterval.override(environment: ["DUBKIT_POLL_INTERVAL": text]) == expected)
        #expect(PollInterval.effective(minimum: 3, environment: ["DUBKIT_POLL_INTERVAL": text]) == expected ?? 3)
        #expect(PollInterval.override(environment: [:]) == nil)
    }

    @Test("a stage's wire error reaches the core as its ProviderError")
    func typedMapsWireErrors() async {
        await #expect(throws: ProviderError.remote(provider: "wire", status: 400, code: "voice_refused", message: "refused")) {
            try await FailingProvider().voices(VoiceQuery())
        }
    }
}
