import DubKit
import Foundation
import Testing

private let kitsLike = ProviderDescriptor(
    id: "demo", name: "Demo", capabilities: [.convert, .pitchShift],
    limits: ProviderLimits(pitchShift: ParameterCatalogue.pitchShift.range),
    parameters: [ParameterSpec("conversionStrength", .number(0...1)), ParameterCatalogue.pitchShift.spec()])

@Suite("The parameter catalogue")
struct ParameterCatalogueTests {
    @Test("the pitch shift's range is checked once, by the catalogue: the ends pass, a step outside is refused naming the field")
    func rangeCheck() throws {
        let pitch = ParameterCatalogue.pitchShift
        try pitch.check(-24)
        try pitch.check(24)
        #expect(throws: DubKitError.invalidField(field: "pitchShift", value: "25", allowed: "-24...24 semitones")) {
            try pitch.check(25)
        }
        // A provider that gives no range of its own is held to the catalogue's.
        let noRange = ProviderDescriptor(id: "plain", name: "Plain", capabilities: [.convert])
        #expect(throws: DubKitError.invalidField(field: "pitchShift", value: "-25", allowed: "-24...24 semitones")) {
            try DubSettings(pitch: -25, parameters: .empty, provider: noRange)
        }
        #expect(throws: DubKitError.invalidField(field: "pitchShift", value: "25", allowed: "-24...24 semitones")) {
            try DubSettings(pitch: nil, parameters: try DubParameters(arguments: ["pitch_shift=25"]), provider: noRange)
        }
        #expect(throws: ProviderError.invalidParameter(provider: "demo", field: "pitchShift", value: "25", allowed: "-24...24")) {
            try DubSettings(pitch: nil, parameters: try DubParameters(arguments: ["pitchShift=25"]), provider: kitsLike)
        }
        // A provider lists the parameter with the catalogue's range, so `provider list` shows the same bounds.
        #expect(pitch.spec(named: "pitch_shift").allowed == "whole numbers -24...24")
    }

    @Test("--param pitchShift=N (or pitch_shift=N) is --pitch N: folded out of the parameters into the pitch shift")
    func folds() throws {
        let named = try DubSettings(pitch: nil, parameters: try DubParameters(arguments: ["pitchShift=3", "conversionStrength=0.4"]),
                                    provider: kitsLike)
        let strength = try DubParameters(["conversionStrength": .number(0.4)])
        #expect(named.pitchShift == 3)
        #expect(named.parameters == strength)
        let wire = try DubSettings.fold(pitch: nil, parameters: try DubParameters(arguments: ["pitch_shift=-2"]))
        #expect(wire.pitchShift == -2 && wire.parameters == .empty)
        let both = try DubSettings.fold(pitch: 5, parameters: try DubParameters(arguments: ["pitchShift=5"]))
        #expect(both.pitchShift == 5 && both.parameters == .empty)
        let none = try DubSettings.fold(pitch: nil, parameters: .empty)
        #expect(none.pitchShift == 0)
    }

    @Test("--pitch and --param pitchShift with different values, or a pitch that is not a whole number, are refused")
    func refuses() throws {
        #expect(throws: DubKitError.invalidField(
            field: "pitchShift", value: "--pitch 2 and --param pitchShift=3",
            allowed: "one value: give --pitch or --param pitchShift, or the same value in both")) {
            try DubSettings.fold(pitch: 2, parameters: try DubParameters(arguments: ["pitchShift=3"]))
        }
        #expect(throws: DubKitError.invalidField(field: "pitchShift", value: "2.5", allowed: "whole numbers -24...24 semitones")) {
            try DubSettings.fold(pitch: nil, parameters: try DubParameters(arguments: ["pitchShift=2.5"]))
        }
        // The provider's own, narrower range still holds after the fold.
        let narrow = ProviderDescriptor(id: "narrow", name: "Narrow", capabilities: [.convert], limits: ProviderLimits(pitchShift: 0...0))
        #expect(throws: ProviderError.invalidParameter(provider: "narrow", field: "pitchShift", value: "3", allowed: "0...0")) {
            try DubSettings(pitch: nil, parameters: try DubParameters(arguments: ["pitchShift=3"]), provider: narrow)
        }
    }

    @Test("a dub stored before the fold, with pitchShift among its parameters, is sent as it was then: the parameter wins")
    func storedBeforeTheFold() throws {
        let stored = DubSettings.stored(pitchShift: 0, parameters: try DubParameters(["pitchShift": .number(4), "steps": .number(9)]))
        let steps = try DubParameters(["steps": .number(9)])
        #expect(stored.pitchShift == 4 && stored.parameters == steps)
        let plain = DubSettings.stored(pitchShift: -3, parameters: .empty)
        #expect(plain.pitchShift == -3 && plain.parameters == .empty)
    }

    @Test("each provider parameter is defined once; a descriptor built from the catalogue takes its ends and refuses a step outside, naming it",
          arguments: ["elevenlabs", "kits", "voiceconvert", "cartesia", "voicedub"])
    func providerParameters(_ provider: String) throws {
        let entries = ParameterCatalogue.providerParameters.filter { $0.providers.contains(provider) }
        #expect(!entries.isEmpty)
        #expect(Set(entries.map(\.name)).count == entries.count, "a name defined twice for \(provider)")
        let descriptor = ProviderDescriptor(id: provider, name: provider, capabilities: [.convert],
                                            parameters: ParameterCatalogue.specs(for: provider))
        for entry in entries {
            let ends: [(Double, Double)] = switch entry.kind {
            case let .number(range): [(range.lowerBound, range.lowerBound - 0.5), (range.upperBound, range.upperBound + 0.5)]
            case let .integer(range): [(Double(range.lowerBound), Double(range.lowerBound) - 1), (Double(range.upperBound), Double(range.upperBound) + 1)]
            default: []
            }
            for (inside, outside) in ends {
                try descriptor.validate(pitchShift: 0, parameters: try DubParameters([entry.name: .number(inside)]))
                #expect(throws: ProviderError.invalidParameter(provider: provider, field: entry.name, value: outside.rounded() == outside ? String(Int64(outside)) : String(outside),
                                                               allowed: entry.spec.allowed)) {
                    try descriptor.validate(pitchShift: 0, parameters: try DubParameters([entry.name: .number(outside)]))
                }
            }
        }
        // The catalogue's pitch is the one every provider that takes it lists, under its own name or the wire's.
        let pitch = entries.first { ParameterCatalogue.pitchShift.names.contains($0.name) }
        #expect(pitch.map { $0.integerRange == -24...24 } ?? ["elevenlabs", "cartesia"].contains(provider))
    }

    @Test("a training parameter is defined once and kept apart from the dub parameters; a descriptor built from the catalogue refuses a value outside it")
    func trainingParameters() throws {
        let entries = ParameterCatalogue.trainingParameters.filter { $0.providers.contains("cartesia") }
        #expect(entries.map(\.name) == ["language", "model_id", "description"])
        #expect(Set(entries.map(\.name)).isDisjoint(with: ParameterCatalogue.specs(for: "cartesia").map(\.name)))
        let descriptor = ProviderDescriptor(id: "cartesia", name: "cartesia", capabilities: [.train],
                                            trainingParameters: ParameterCatalogue.trainingSpecs(for: "cartesia"))
        try descriptor.validateTraining(parameters: try DubParameters(["language": .string("de"), "model_id": .string("sonic-2")]))
        #expect(throws: ProviderError.self) { try descriptor.validateTraining(parameters: try DubParameters(["language": .string("xx")])) }
    }
}
