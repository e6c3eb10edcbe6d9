import DubKit
import DubKitTestSupport
import Foundation
import Testing

private let descriptor = ProviderDescriptor(
    id: "demo", name: "Demo", capabilities: [.convert, .pitchShift],
    limits: ProviderLimits(pitchShift: -12...12),
    billing: .perStartedMinute(credits: 10, minimum: 10),
    parameters: [
        ParameterSpec("conversionStrength", .number(0...1)),
        ParameterSpec("steps", .integer(1...200)),
        ParameterSpec("format", .choice(["mp3", "wav"])),
        ParameterSpec("denoise", .bool),
    ])

@Suite("Provider descriptors")
struct ProviderDescriptorTests {
    @Test("values outside a parameter's range are refused, naming the field, the value and the range",
          arguments: [
              ("conversionStrength", JSONValue.number(1.5), "0.0...1.0"),
              ("steps", .number(0), "1...200"),
              ("steps", .number(2.5), "1...200"),
              ("format", .string("ogg"), "mp3, wav"),
              ("denoise", .string("yes"), "true or false"),
              ("speed", .number(1), "conversionStrength, denoise, format, steps"),
          ])
    func refusesOutOfRange(field: String, value: JSONValue, allowed: String) throws {
        #expect {
            try descriptor.validate(pitchShift: 0, parameters: try DubParameters([field: value]))
        } throws: { error in
            guard case let .invalidParameter(provider, gotField, _, gotAllowed) = error as? ProviderError else { return false }
            return provider == "demo" && gotField == field && gotAllowed.contains(allowed)
                && error.localizedDescription.contains(field)
        }
    }

    @Test("values inside the ranges pass; pitch outside the provider's own range is refused")
    func acceptsInRange() throws {
        try descriptor.validate(pitchShift: -12, parameters: try DubParameters([
            "conversionStrength": .number(0.25), "steps": .number(200), "format": .string("wav"), "denoise": .bool(false)]))
        #expect(throws: ProviderError.invalidParameter(provider: "demo", field: "pitchShift", value: "13", allowed: "-12...12")) {
            try descriptor.validate(pitchShift: 13, parameters: .empty)
        }
    }

    @Test("billing rules: per started minute with a minimum, per started second with a minimum, per minute prorated")
    func billing() {
        let minute = Billing.perStartedMinute(credits: 10, minimum: 10)
        #expect(minute.credits(forSeconds: 0) == 10)
        #expect(minute.credits(forSeconds: 60) == 10)
        #expect(minute.credits(forSeconds: 60.5) == 20)
        #expect(minute.credits(forSeconds: 180) == 30)
        let second = Billing.perStartedSecond(credits: 2, minimumSeconds: 1)
        #expect(second.credits(forSeconds: 0.2) == 2)
        #expect(second.credits(forSeconds: 10.01) == 22)
        let prorated = Billing.perMinuteProrated(credits: 1000, minimum: 0)
        #expect(prorated.credits(forSeconds: 60) == 1000)
        #expect(prorated.credits(forSeconds: 1) == 17) // 16.67 rounded up
        #expect(prorated.credits(forSeconds: 90.5) == 1509)
        #expect(prorated.credits(forSeconds: 0) == 0)
        #expect(Billing.perMinuteProrated(credits: 1000, minimum: 50).credits(forSeconds: 1) == 50)
    }

    @Test("a descriptor round-trips through its documented JSON form; omitted fields take defaults")
    func jsonForm() throws {
        let data = try JSONEncoder().encode(descriptor)
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: data) == descriptor)
        let minimal = try JSONDecoder().decode(ProviderDescriptor.self, from: Data(#"{"id": "x", "name": "X"}"#.utf8))
        #expect(minimal.billing == .free && minimal.parameters.isEmpty && minimal.capabilities.isEmpty)
        let prorated = try JSONDecoder().decode(Billing.self, from: Data(#"{"kind": "perMinuteProrated", "credits": 1000}"#.utf8))
        #expect(prorated == .perMinuteProrated(credits: 1000, minimum: 0))
        #expect(try JSONDecoder().decode(Billing.self, from: JSONEncoder().encode(Billing.perMinuteProrated(credits: 1000, minimum: 5)))
            == .perMinuteProrated(credits: 1000, minimum: 5))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ProviderDescriptor.self, from: Data(#"{"id": "x", "name": "X", "billing": {"kind": "barter"}}"#.utf8))
        }
    }

    @Test("the base URL variable overrides the base URL")
    func baseURL() {
        let remote = ProviderDescriptor(id: "r", name: "R", capabilities: [], baseURL: "https://api.example.com",
                                        baseURLVariable: "R_BASE_URL")
        #expect(remote.effectiveBaseURL(environment: [:]) == "https://api.example.com")
        #expect(remote.effectiveBaseURL(environment: ["R_BASE_URL": "http://127.0.0.1:9"]) == "http://127.0.0.1:9")
    }
}

@Suite("Credentials")
struct CredentialsTests {
    let remote = ProviderDescriptor(id: "voicedub", name: "VoiceDub", capabilities: [], keyVariable: "VOICEDUB_API_KEY")

    @Test("the environment wins; a saved key is used otherwise; the file is created 0600 in a 0700 folder")
    func sources() throws {
        let dir = try TemporaryDirectory()
        let env = ["DUBKIT_CONFIG_DIR": dir.path("config").path]
        let credentials = Credentials(environment: env)
        #expect(try credentials.source(for: remote) == .missing)
        #expect(throws: ProviderError.missingKey(provider: "voicedub", variable: "VOICEDUB_API_KEY")) {
            try credentials.key(for: remote)
        }
        try credentials.save(key: "sk-saved-123\n", for: "voicedub")
        #expect(try credentials.key(for: remote) == "sk-saved-123")
        #expect(try credentials.source(for: remote) == .file)
        let fileMode = try FileManager.default.attributesOfItem(atPath: credentials.file.path)[.posixPermissions] as? Int
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir.path("config").path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600 && dirMode == 0o700)
        var withEnv = env
        withEnv["VOICEDUB_API_KEY"] = "sk-env-456"
        #expect(try Credentials(environment: withEnv).key(for: remote) == "sk-env-456")
    }

    @Test("a credentials file others can read is refused, and the message never contains the key")
    func refusesReadableFile() throws {
        let dir = try TemporaryDirectory()
        let credentials = Credentials(environment: ["DUBKIT_CONFIG_DIR": dir.path("config").path])
        try credentials.save(key: "sk-very-secret", for: "voicedub")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: credentials.file.path)
        #expect {
            try credentials.key(for: remote)
        } throws: { error in
            let text = error.localizedDescription + ((error as? ProviderError)?.recoverySuggestion ?? "")
            return text.contains("644") && text.contains("chmod 600") && !text.contains("sk-very-secret")
        }
    }
}
