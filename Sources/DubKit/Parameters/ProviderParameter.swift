/// A provider's own dub parameter, defined once in ``ParameterCatalogue``: its name, kind and range,
/// unit, what it does and the providers that take it. A descriptor lists the ones its provider takes
/// (``ParameterCatalogue/specs(for:)``); ``ProviderDescriptor/validate(pitchShift:parameters:)`` checks
/// a dub's values against them before anything is sent.
public struct ProviderParameter: Sendable, Hashable {
    /// The name it is given under in `--param` and sent under.
    public let name: String
    /// Its kind, with the values allowed.
    public let kind: ParameterSpec.Kind
    /// What a value counts (`Hz`, `dB`, `semitones`); empty for flags, choices and plain fractions.
    public let unit: String
    /// What it does, for `provider list` and help.
    public let summary: String
    /// The ids of the providers that take it.
    public let providers: [String]

    /// A parameter of the catalogue.
    public init(_ name: String, _ kind: ParameterSpec.Kind, unit: String = "", _ summary: String, providers: [String]) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.summary = summary
        self.providers = providers
    }

    /// The catalogue's pitch shift (``ParameterCatalogue/pitchShift``) as the providers named take it,
    /// under `name` (the wire's name) or its own.
    public static func pitch(named name: String? = nil, providers: [String]) -> ProviderParameter {
        let pitch = ParameterCatalogue.pitchShift
        let spec = pitch.spec(named: name)
        return ProviderParameter(spec.name, spec.kind, unit: pitch.unit, spec.summary, providers: providers)
    }

    /// The descriptor's form of it.
    public var spec: ParameterSpec { ParameterSpec(name, kind, summary) }

    /// The range of a `number` parameter (nil for other kinds).
    public var numberRange: ClosedRange<Double>? {
        if case let .number(range) = kind { range } else { nil }
    }

    /// The range of an `integer` parameter (nil for other kinds).
    public var integerRange: ClosedRange<Int64>? {
        if case let .integer(range) = kind { range } else { nil }
    }

    /// The values of a `choice` parameter (empty for other kinds).
    public var choices: [String] {
        if case let .choice(values) = kind { values } else { [] }
    }
}

extension ParameterCatalogue {
    /// Every provider parameter, in the order descriptors list them.
    public static let providerParameters: [ProviderParameter] = ProviderCatalogue.elevenLabs + ProviderCatalogue.kits
        + ProviderCatalogue.voiceConvert + ProviderCatalogue.cartesia + ProviderCatalogue.voiceDub

    /// Every provider parameter of a voice training (`voice train --param`), in the order descriptors list them.
    public static let trainingParameters: [ProviderParameter] = ProviderCatalogue.cartesiaTraining

    /// The specs of the training parameters `provider` takes, in the catalogue's order.
    public static func trainingSpecs(for provider: String) -> [ParameterSpec] {
        trainingParameters.filter { $0.providers.contains(provider) }.map(\.spec)
    }

    /// The specs of the parameters `provider` takes, in the catalogue's order.
    public static func specs(for provider: String) -> [ParameterSpec] {
        providerParameters.filter { $0.providers.contains(provider) }.map(\.spec)
    }

    /// The parameter `name` as `provider` takes it, nil when it takes none of that name.
    public static func parameter(_ name: String, for provider: String) -> ProviderParameter? {
        providerParameters.first { $0.name == name && $0.providers.contains(provider) }
    }
}
