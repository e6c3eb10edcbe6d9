import DubKit
import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

/// A measured-looking profile as a stored model holds it, to be broken one field at a time.
private func goodModel() -> [String: JSONValue] {
    [
        "logF0Mean": .number(log(180)), "logF0StandardDeviation": .number(0.15), "medianF0": .number(180),
        "formantScale": .number(1.05), "loudness": .number(-22), "sampleRate": .number(22050),
        "engineVersion": .string(VoiceProfile.currentEngineVersion), "origin": .string("measured"),
        "longTermSpectrum": .array((0..<SpectralBands.count).map { .number(-30 - Double($0)) }),
    ]
}

private func broken(_ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
    var model = goodModel()
    change(&model)
    return .object(model)
}

/// A `local-2` model: the good profile with a small codebook of `classes` (each as given).
private func withCodebook(bands: Int = 12, classes: [[JSONValue]]? = nil, format: Double = 1) -> JSONValue {
    var model = goodModel()
    let rows = classes ?? (0..<3).map { c in (0..<bands).map { .number(-20 - Double(c) - Double($0)) } }
    model["codebook"] = .object([
        "format": .number(format), "bands": .number(Double(bands)),
        "mean": .array((0..<bands).map { .number(-25 - Double($0)) }),
        "classes": .array(rows.map { .array($0) }), "counts": .array(rows.map { _ in .number(40) }),
    ])
    return .object(model)
}

/// One way a model is broken, and the field its refusal must name.
struct Malformation: Sendable, CustomTestStringConvertible {
    var field: String
    var what: String
    var model: JSONValue
    var testDescription: String { "\(what) → \(field)" }

    init(_ field: String, _ what: String, _ model: JSONValue) {
        self.field = field
        self.what = what
        self.model = model
    }
}

@Suite("A voice model checked before the engine uses it")
struct VoiceProfileChecksTests {
    @Test("a good model reads back as the profile it describes")
    func goodModelPasses() throws {
        let profile = try VoiceProfile.checked(.object(goodModel()), voice: "local:good")
        #expect(profile.medianF0 == 180 && profile.longTermSpectrum.count == SpectralBands.count && profile.origin == .measured)
        for name in BuiltInVoices.names {
            try #require(BuiltInVoices.profile(named: name)).validate(voice: "local:\(name)")
        }
    }

    @Test("a local-2 model keeps its codebook through the checks; a codebook of an unknown format is ignored")
    func codebookKept() throws {
        let profile = try VoiceProfile.checked(withCodebook(), voice: "local:good")
        let codebook = try #require(profile.codebook, "the checks dropped the codebook, so the envelope mapping never runs")
        #expect(codebook.bands == 12 && codebook.classes.count == 3 && codebook.isUsable)
        #expect(try VoiceProfile.checked(withCodebook(format: 99), voice: "local:good").codebook == nil)
        #expect(try VoiceProfile.checked(.object(goodModel()), voice: "local:good").codebook == nil)
    }

    @Test("each malformation is refused naming its field", arguments: [
        Malformation("longTermSpectrum", "an empty spectrum", broken { $0["longTermSpectrum"] = .array([]) }),
        Malformation("longTermSpectrum", "27 bands", broken { $0["longTermSpectrum"] = .array((0..<27).map { .number(Double(-$0)) }) }),
        Malformation("longTermSpectrum", "29 bands", broken { $0["longTermSpectrum"] = .array((0..<29).map { .number(Double(-$0)) }) }),
        Malformation("longTermSpectrum[3]", "a NaN band", broken {
            $0["longTermSpectrum"] = .array((0..<SpectralBands.count).map { .number($0 == 3 ? .nan : -30) })
        }),
        Malformation("longTermSpectrum[0]", "an infinite band", broken {
            $0["longTermSpectrum"] = .array((0..<SpectralBands.count).map { .number($0 == 0 ? -.infinity : -30) })
        }),
        Malformation("longTermSpectrum[5]", "a band as text", broken {
            $0["longTermSpectrum"] = .array((0..<SpectralBands.count).map { $0 == 5 ? .string("-30") : .number(-30) })
        }),
        Malformation("loudness", "a NaN loudness", broken { $0["loudness"] = .number(.nan) }),
        Malformation("medianF0", "an infinite pitch", broken { $0["medianF0"] = .number(.infinity) }),
        Malformation("medianF0", "a zero pitch", broken { $0["medianF0"] = .number(0) }),
        Malformation("medianF0", "a negative pitch", broken { $0["medianF0"] = .number(-120) }),
        Malformation("formantScale", "a zero formant scale", broken { $0["formantScale"] = .number(0) }),
        Malformation("logF0StandardDeviation", "a negative spread", broken { $0["logF0StandardDeviation"] = .number(-1) }),
        Malformation("sampleRate", "a zero rate", broken { $0["sampleRate"] = .number(0) }),
        Malformation("sampleRate", "a fractional rate", broken { $0["sampleRate"] = .number(22050.5) }),
        Malformation("loudness", "no loudness", broken { $0.removeValue(forKey: "loudness") }),
        Malformation("longTermSpectrum", "no spectrum", broken { $0.removeValue(forKey: "longTermSpectrum") }),
        Malformation("origin", "an unknown origin", broken { $0["origin"] = .string("imagined") }),
        Malformation("engineVersion", "a number for the version", broken { $0["engineVersion"] = .number(1) }),
        Malformation("modelData", "an array for the model", .array([])),
        Malformation("codebook", "a codebook that is text", broken { $0["codebook"] = .string("classes") }),
        Malformation("codebook.classes[1]", "a codebook class of the wrong length",
                     withCodebook(classes: [Array(repeating: .number(-20), count: 12), Array(repeating: .number(-20), count: 11)])),
        Malformation("codebook.classes[0][2]", "a codebook value out of range",
                     withCodebook(classes: [(0..<12).map { .number($0 == 2 ? 1e9 : -20) }])),
        Malformation("codebook.bands", "a codebook of no bands", withCodebook(bands: 0, classes: [[]])),
        Malformation("modelData", "no model", .null),
    ])
    func malformations(_ malformation: Malformation) {
        let field = malformation.field
        #expect {
            _ = try VoiceProfile.checked(malformation.model, voice: "local:broken")
        } throws: { error in
            guard case let LocalEngineError.invalidVoiceModel(voice, named, _, _) = error else { return false }
            return voice == "local:broken" && named == field
                && (error as? LocalEngineError)?.errorDescription?.contains(field) == true
        }
    }

    @Test("a profile with an empty spectrum fails the conversion with the field named, where it used to trap indexing the bands")
    func converterRefusesEmptySpectrum() throws {
        let dir = try TemporaryDirectory("profile-checks")
        let input = dir.path("in.wav")
        try Fixtures.tone(input, seconds: 0.5)
        var target = try VoiceProfile.checked(.object(goodModel()), voice: "local:good")
        target.longTermSpectrum = []
        #expect {
            try VoiceConverter.convert(input: input, output: dir.path("out.wav"), target: target)
        } throws: { error in
            if case LocalEngineError.invalidVoiceModel(_, "longTermSpectrum", "0 values", _) = error { return true }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.wav").path))
    }

    @Test("the provider refuses a dub of a damaged model with a typed error naming the voice and field; import checks the same way")
    func providerRefuses() async throws {
        let dir = try TemporaryDirectory("profile-checks")
        let provider = LocalProvider(stateFolder: dir.path("state"))
        let model = broken { $0["longTermSpectrum"] = .array([]) }
        await #expect {
            _ = try await provider.createDub(DubJobRequest(voice: "narrator", pitchShift: 0, separate: false,
                                                           parameters: .empty, link: nil, voiceData: model))
        } throws: { error in
            guard case let ProviderError.remote(provider, _, code, message) = error else { return false }
            return provider == "local" && code == "invalid_voice_model"
                && message.contains("local:narrator") && message.contains("longTermSpectrum")
        }
        #expect(throws: DubKitError.invalidField(field: "modelData.longTermSpectrum", value: "0 values",
                                                 allowed: "exactly \(SpectralBands.count) values, one per band")) {
            try provider.checkVoiceModel(model, voice: "local:narrator")
        }
        try provider.checkVoiceModel(.object(goodModel()), voice: "local:narrator")
    }
}
