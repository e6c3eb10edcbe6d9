import Foundation

/// What a provider can do, what it accepts, how it bills and how to reach it.
public struct ProviderDescriptor: Sendable, Hashable, Codable {
    /// What a provider offers; `links` means it fetches a dub's link itself (no local download or upload).
    public enum Capability: String, Sendable, Hashable, Codable, CaseIterable {
        case convert, train, catalog, referenceAudio, streaming, separation, pitchShift, links
    }

    /// The provider's id, the prefix of `PROVIDER:VOICE` (`local`, `voicedub`, …).
    public var id: String
    /// The name people know it by.
    public var name: String
    public var capabilities: Set<Capability>
    public var limits: ProviderLimits
    public var billing: Billing
    /// The environment variable that holds the API key, or nil when none is needed.
    public var keyVariable: String?
    /// The service's base URL, when it is remote.
    public var baseURL: String?
    /// The environment variable that overrides ``baseURL`` (self-hosted or test servers).
    public var baseURLVariable: String?
    /// The shortest time between two polls of one job, in seconds.
    public var minimumPollInterval: Double
    /// Provider-specific parameters a dub may carry, with their ranges.
    public var parameters: [ParameterSpec]
    /// Provider-specific parameters a voice training may carry (`voice train --param`), with their ranges.
    public var trainingParameters: [ParameterSpec]

    public init(id: String, name: String, capabilities: Set<Capability>, limits: ProviderLimits = ProviderLimits(),
                billing: Billing = .free, keyVariable: String? = nil, baseURL: String? = nil,
                baseURLVariable: String? = nil, minimumPollInterval: Double = 0, parameters: [ParameterSpec] = [],
                trainingParameters: [ParameterSpec] = []) {
        self.id = id
        self.name = name
        self.capabilities = capabilities
        self.limits = limits
        self.billing = billing
        self.keyVariable = keyVariable
        self.baseURL = baseURL
        self.baseURLVariable = baseURLVariable
        self.minimumPollInterval = minimumPollInterval
        self.parameters = parameters
        self.trainingParameters = trainingParameters
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, capabilities, limits, billing, keyVariable, baseURL, baseURLVariable, minimumPollInterval, parameters
        case trainingParameters
    }

    /// Decodes a descriptor; everything but `id` and `name` may be left out and takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            capabilities: try c.decodeIfPresent(Set<Capability>.self, forKey: .capabilities) ?? [],
            limits: try c.decodeIfPresent(ProviderLimits.self, forKey: .limits) ?? ProviderLimits(),
            billing: try c.decodeIfPresent(Billing.self, forKey: .billing) ?? .free,
            keyVariable: try c.decodeIfPresent(String.self, forKey: .keyVariable),
            baseURL: try c.decodeIfPresent(String.self, forKey: .baseURL),
            baseURLVariable: try c.decodeIfPresent(String.self, forKey: .baseURLVariable),
            minimumPollInterval: try c.decodeIfPresent(Double.self, forKey: .minimumPollInterval) ?? 0,
            parameters: try c.decodeIfPresent([ParameterSpec].self, forKey: .parameters) ?? [],
            trainingParameters: try c.decodeIfPresent([ParameterSpec].self, forKey: .trainingParameters) ?? [])
    }

    /// The base URL in force: the override variable's value when set, else ``baseURL``.
    public func effectiveBaseURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let variable = baseURLVariable, let value = environment[variable], !value.isEmpty { return value }
        return baseURL
    }

    /// Checks a dub's pitch shift and parameters against the limits before any request is sent;
    /// the error names the field, the value and what is allowed.
    public func validate(pitchShift: Int, parameters: DubParameters) throws(ProviderError) {
        if let range = limits.pitchShift, !range.contains(pitchShift) {
            throw .invalidParameter(provider: id, field: "pitchShift", value: String(pitchShift),
                                    allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        try check(parameters, against: self.parameters)
    }

    /// Checks a voice training's parameters against ``trainingParameters`` before anything is created.
    public func validateTraining(parameters: DubParameters) throws(ProviderError) {
        try check(parameters, against: trainingParameters)
    }

    private func check(_ parameters: DubParameters, against declared: [ParameterSpec]) throws(ProviderError) {
        let specs = Dictionary(parameters.values.keys.compactMap { key in
            declared.first { $0.name == key }.map { (key, $0) }
        }, uniquingKeysWith: { first, _ in first })
        for (key, value) in parameters.values.sorted(by: { $0.key < $1.key }) {
            guard let spec = specs[key] else {
                let known = declared.map(\.name).sorted()
                throw .invalidParameter(provider: id, field: key, value: value.text,
                                        allowed: known.isEmpty ? "no parameters" : "one of the parameters " + known.joined(separator: ", "))
            }
            try spec.check(value, provider: id)
        }
    }
}

/// What a provider accepts.
public struct ProviderLimits: Sendable, Hashable, Codable {
    /// Largest input file, in bytes.
    public var maxFileBytes: Int64?
    /// Longest input, in seconds.
    public var maxDurationSeconds: Double?
    /// Input formats it takes (file extensions), empty when any audio is fine.
    public var inputFormats: [String]
    /// Allowed pitch shift in semitones, nil when pitch shift is not offered.
    public var pitchShift: ClosedRange<Int>?
    /// How many files a training dataset may have.
    public var datasetFiles: ClosedRange<Int>?
    /// Total audio a training dataset must hold, in seconds.
    public var datasetSeconds: ClosedRange<Double>?
    /// The minutes of audio a training may be asked to use (VoiceDub's maxMinutes, 5...60); the
    /// dataset's total must fit the minutes chosen.
    public var trainingMinutes: ClosedRange<Int>?
    /// The minutes used when none are chosen.
    public var defaultTrainingMinutes: Int?
    /// Jobs the service runs for one account at a time; nil when it does not say.
    public var maxConcurrentJobs: Int?
    /// Requests a minute it accepts from one key; nil when it does not say.
    public var requestsPerMinute: Int?
    /// Paid requests that start work (generate, train) a minute it accepts from one account, when these
    /// are limited more tightly than the rest (Kits: a few POSTs a minute); nil when it does not say.
    public var submissionsPerMinute: Int?

    private enum CodingKeys: String, CodingKey {
        case maxFileBytes, maxDurationSeconds, inputFormats, pitchShift, datasetFiles, datasetSeconds, trainingMinutes
        case defaultTrainingMinutes, maxConcurrentJobs, requestsPerMinute, submissionsPerMinute
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            maxFileBytes: try c.decodeIfPresent(Int64.self, forKey: .maxFileBytes),
            maxDurationSeconds: try c.decodeIfPresent(Double.self, forKey: .maxDurationSeconds),
            inputFormats: try c.decodeIfPresent([String].self, forKey: .inputFormats) ?? [],
            pitchShift: try c.decodeIfPresent(ClosedRange<Int>.self, forKey: .pitchShift),
            datasetFiles: try c.decodeIfPresent(ClosedRange<Int>.self, forKey: .datasetFiles),
            datasetSeconds: try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .datasetSeconds),
            trainingMinutes: try c.decodeIfPresent(ClosedRange<Int>.self, forKey: .trainingMinutes),
            defaultTrainingMinutes: try c.decodeIfPresent(Int.self, forKey: .defaultTrainingMinutes),
            maxConcurrentJobs: try c.decodeIfPresent(Int.self, forKey: .maxConcurrentJobs),
            requestsPerMinute: try c.decodeIfPresent(Int.self, forKey: .requestsPerMinute),
            submissionsPerMinute: try c.decodeIfPresent(Int.self, forKey: .submissionsPerMinute))
    }

    public init(maxFileBytes: Int64? = nil, maxDurationSeconds: Double? = nil, inputFormats: [String] = [],
                pitchShift: ClosedRange<Int>? = nil, datasetFiles: ClosedRange<Int>? = nil,
                datasetSeconds: ClosedRange<Double>? = nil, trainingMinutes: ClosedRange<Int>? = nil,
                defaultTrainingMinutes: Int? = nil, maxConcurrentJobs: Int? = nil, requestsPerMinute: Int? = nil,
                submissionsPerMinute: Int? = nil) {
        self.maxFileBytes = maxFileBytes
        self.maxDurationSeconds = maxDurationSeconds
        self.inputFormats = inputFormats
        self.pitchShift = pitchShift
        self.datasetFiles = datasetFiles
        self.datasetSeconds = datasetSeconds
        self.trainingMinutes = trainingMinutes
        self.defaultTrainingMinutes = defaultTrainingMinutes
        self.maxConcurrentJobs = maxConcurrentJobs
        self.requestsPerMinute = requestsPerMinute
        self.submissionsPerMinute = submissionsPerMinute
    }
}

/// How a provider charges, so a dub's cost is known before anything is paid.
///
/// JSON form (as plugins write it): `{"kind": "free"}`, `{"kind": "perStartedMinute", "credits": 10,
/// "minimum": 10}`, `{"kind": "perStartedSecond", "credits": 2, "minimumSeconds": 1}`,
/// `{"kind": "perMinuteProrated", "credits": 1000, "minimum": 0}`.
public enum Billing: Sendable, Hashable, Codable {
    /// Nothing to pay.
    case free
    /// `credits` for every started minute of input, at least `minimum` (VoiceDub: 10 a minute, at least 10).
    case perStartedMinute(credits: Int64, minimum: Int64)
    /// `credits` for every started second of input, at least `minimumSeconds` seconds (voice-convert: 2 a second).
    case perStartedSecond(credits: Int64, minimumSeconds: Int64)
    /// `credits` a minute of input, charged for the exact length (a fractional rate per second), rounded
    /// up to a whole credit, at least `minimum` (ElevenLabs speech-to-speech: 1,000 characters a minute).
    case perMinuteProrated(credits: Int64, minimum: Int64)

    /// The credits a conversion of `seconds` of input costs.
    public func credits(forSeconds seconds: Double) -> Int64 {
        switch self {
        case .free:
            return 0
        case let .perStartedMinute(credits, minimum):
            let minutes = Int64((max(0, seconds) / 60).rounded(.up))
            return max(minimum, minutes * credits)
        case let .perStartedSecond(credits, minimumSeconds):
            let started = max(minimumSeconds, Int64(max(0, seconds).rounded(.up)))
            return started * credits
        case let .perMinuteProrated(credits, minimum):
            // Whole milliseconds first, so 60.0 s at 1000 a minute is exactly 1000, not 1001.
            let milliseconds = Int64((max(0, seconds) * 1000).rounded())
            let (whole, rest) = (milliseconds * credits).quotientAndRemainder(dividingBy: 60_000)
            return max(minimum, whole + (rest > 0 ? 1 : 0))
        }
    }

    private enum Keys: String, CodingKey { case kind, credits, minimum, minimumSeconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "free": self = .free
        case "perStartedMinute":
            self = .perStartedMinute(credits: try container.decode(Int64.self, forKey: .credits),
                                     minimum: try container.decodeIfPresent(Int64.self, forKey: .minimum) ?? 0)
        case "perStartedSecond":
            self = .perStartedSecond(credits: try container.decode(Int64.self, forKey: .credits),
                                     minimumSeconds: try container.decodeIfPresent(Int64.self, forKey: .minimumSeconds) ?? 0)
        case "perMinuteProrated":
            self = .perMinuteProrated(credits: try container.decode(Int64.self, forKey: .credits),
                                      minimum: try container.decodeIfPresent(Int64.self, forKey: .minimum) ?? 0)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container,
                debugDescription: "billing kind '\(other)' is not free, perStartedMinute, perStartedSecond or perMinuteProrated")
        }
    }

    /// Every kind is written with all four keys (null where the kind has no such figure), so the
    /// `--json` shape is one.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let figures: Set<Keys> = switch self {
        case .free: []
        case .perStartedMinute, .perMinuteProrated: [.credits, .minimum]
        case .perStartedSecond: [.credits, .minimumSeconds]
        }
        for key in [Keys.credits, .minimum, .minimumSeconds] where !figures.contains(key) { try container.encodeNil(forKey: key) }
        switch self {
        case .free:
            try container.encode("free", forKey: .kind)
        case let .perStartedMinute(credits, minimum):
            try container.encode("perStartedMinute", forKey: .kind)
            try container.encode(credits, forKey: .credits)
            try container.encode(minimum, forKey: .minimum)
        case let .perStartedSecond(credits, minimumSeconds):
            try container.encode("perStartedSecond", forKey: .kind)
            try container.encode(credits, forKey: .credits)
            try container.encode(minimumSeconds, forKey: .minimumSeconds)
        case let .perMinuteProrated(credits, minimum):
            try container.encode("perMinuteProrated", forKey: .kind)
            try container.encode(credits, forKey: .credits)
            try container.encode(minimum, forKey: .minimum)
        }
    }
}

extension JSONValue {
    /// The value as JSON text, for messages.
    var text: String {
        switch self {
        case .null: "null"
        case let .bool(value): String(value)
        case let .number(value): value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case let .string(value): value.debugDescription
        case .array, .object: DubParameters.canonical(self)
        }
    }
}
