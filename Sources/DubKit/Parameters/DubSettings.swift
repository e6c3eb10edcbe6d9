/// What a dub is asked to do, once `--pitch` and `--param` are read together: the pitch shift and
/// the provider's own parameters, checked against the catalogue and the provider before anything is
/// created. What is stored is what is sent and what `dub show` prints.
public struct DubSettings: Sendable, Hashable {
    /// Semitones, within ``ParameterCatalogue/pitchShift`` and the provider's limits.
    public var pitchShift: Int
    /// The provider's own parameters; the catalogue's are folded out of them.
    public var parameters: DubParameters

    /// Folds `parameters` (`--param`, read by ``DubParameters/init(arguments:)``) with `--pitch` (nil
    /// when not given), then checks the result against `provider`.
    ///
    /// The rule: `--param pitchShift=N` (or `pitch_shift=N`) is `--pitch N`. Given both, they must
    /// agree; different values are a usage error naming both.
    /// The provider's own range is checked first (it may be narrower, and its message names it), then
    /// the catalogue's.
    public init(pitch: Int?, parameters: DubParameters, provider: ProviderDescriptor) throws {
        let folded = try Self.fold(pitch: pitch, parameters: parameters)
        try provider.validate(pitchShift: folded.pitchShift, parameters: folded.parameters)
        try ParameterCatalogue.pitchShift.check(folded.pitchShift)
        self = folded
    }

    private init(pitchShift: Int, parameters: DubParameters) {
        self.pitchShift = pitchShift
        self.parameters = parameters
    }

    /// Takes the catalogue's pitch out of `parameters` (under any of its names) and joins it with
    /// `pitch`; the range is checked by ``init(pitch:parameters:provider:)``.
    public static func fold(pitch: Int?, parameters: DubParameters) throws(DubKitError) -> DubSettings {
        let catalogue = ParameterCatalogue.pitchShift
        var values = parameters.values
        var given: [(word: String, value: Int)] = pitch.map { [(catalogue.flag + " \($0)", $0)] } ?? []
        for name in catalogue.names {
            guard let value = values.removeValue(forKey: name) else { continue }
            guard case let .number(number) = value, let whole = Int(exactly: number) else {
                throw .invalidField(field: name, value: value.text, allowed: "whole numbers \(catalogue.allowed)")
            }
            given.append(("--param \(name)=\(whole)", whole))
        }
        if let first = given.first, let other = given.first(where: { $0.value != first.value }) {
            throw .invalidField(field: catalogue.name, value: "\(first.word) and \(other.word)",
                                allowed: "one value: give \(catalogue.flag) or --param \(catalogue.name), or the same value in both")
        }
        return DubSettings(pitchShift: given.first?.value ?? 0, parameters: try DubParameters(values))
    }

    /// What a dub stored before the fold existed asks for: a `pitchShift` left among its parameters
    /// won over its pitch shift then, and still does, so a rerun sends what the first run would have.
    public static func stored(pitchShift: Int, parameters: DubParameters) -> DubSettings {
        var values = parameters.values
        var shift = pitchShift
        for name in ParameterCatalogue.pitchShift.names {
            if case let .number(number)? = values[name], let whole = Int(exactly: number) {
                values[name] = nil
                shift = whole
            }
        }
        return DubSettings(pitchShift: shift, parameters: (try? DubParameters(values)) ?? parameters)
    }
}
