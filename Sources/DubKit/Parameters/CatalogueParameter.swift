/// A dub setting the core knows by name, defined once: its name, the flag that gives it, its range
/// and unit, and the other names a provider's `--param` may give it under.
///
/// Which providers take it is each provider's own word: a descriptor lists the parameter (built
/// with ``spec(named:summary:)``) and gives its range in ``ProviderLimits``.
public struct CatalogueParameter: Sendable, Hashable {
    /// The name it is stored and sent under (`pitchShift`).
    public let name: String
    /// The command-line flag that gives it (`--pitch`).
    public let flag: String
    /// The values allowed.
    public let range: ClosedRange<Int>
    /// What a value counts (`semitones`).
    public let unit: String
    /// Other names a `--param` may give it under (a provider's wire name, `pitch_shift`).
    public let aliases: [String]

    /// A parameter of the catalogue; see ``ParameterCatalogue``.
    public init(name: String, flag: String, range: ClosedRange<Int>, unit: String, aliases: [String] = []) {
        self.name = name
        self.flag = flag
        self.range = range
        self.unit = unit
        self.aliases = aliases
    }

    /// Every name it goes by in `--param`: its own and its aliases.
    public var names: [String] { [name] + aliases }

    /// The range as written in messages and help: `-24...24`.
    public var rangeText: String { "\(range.lowerBound)...\(range.upperBound)" }

    /// What is allowed, for messages: `-24...24 semitones`.
    public var allowed: String { "\(rangeText) \(unit)" }

    /// The provider parameter that takes it, under `name` (the wire's name) or its own.
    public func spec(named name: String? = nil, summary: String? = nil) -> ParameterSpec {
        ParameterSpec(name ?? self.name, .integer(Int64(range.lowerBound)...Int64(range.upperBound)),
                      summary ?? "\(unit); the same as \(flag), folded into it when the dub is created")
    }

    /// Throws ``DubKitError/invalidField(field:value:allowed:)`` naming the parameter unless `value` is
    /// in ``range``.
    public func check(_ value: Int) throws(DubKitError) {
        guard range.contains(value) else {
            throw .invalidField(field: name, value: String(value), allowed: allowed)
        }
    }
}
