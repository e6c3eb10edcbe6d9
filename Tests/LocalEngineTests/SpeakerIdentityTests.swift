import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

/// Whether a conversion sounds like *who* the target is, graded without a neural model: a Gaussian
/// mixture per speaker on MFCCs (``SpeakerIdentifier``), trained on the recordings the target voice is
/// trained on and on four other real speakers, names the speaker of each 2 s of a clip. A converted clip
/// must be named as the target far more often than the untouched source is. Real recorded speech:
/// Debian's asterisk-core-sounds (en, fr, it) and codec2-examples, installed by scripts/dev.sh.
@Suite("Speaker identity of conversions on real recorded speech", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["DUBKIT_IDENTITY_TESTS"] != nil,
                "slow in a debug build (GMM training); set DUBKIT_IDENTITY_TESTS=1"))
struct SpeakerIdentityTests {
    static let sounds = URL(fileURLWithPath: "/usr/share/asterisk/sounds")
    static let ve9qrpFile = URL(fileURLWithPath: "/usr/share/codec2/wav/ve9qrp.wav")

    static func prompts(_ voice: String, _ names: [String]) -> [URL] {
        names.map { sounds.appendingPathComponent(voice).appendingPathComponent("\($0).wav") }
    }

    /// Allison (en-US, a woman): 48 s of prompts to train on, a 16 s prompt held out.
    static let allisonTraining = RealSpeechTests.allisonTraining
    static let allisonHeldOut = [RealSpeechTests.allisonHeldOut]
    /// Carlo (it-IT, a man): 66 s to train on, 27 s held out.
    static let carloTraining = prompts("it_IT_m_Carlo", ["conf-adminmenu", "demo-congrats", "demo-echotest"])
    static let carloHeldOut = prompts("it_IT_m_Carlo", ["conf-usermenu", "demo-abouttotry"])
    /// June (fr-CA, a woman) and vk5qi (a man): other speakers the identifier knows.
    static let june = prompts("fr_CA_f_June", ["conf-adminmenu", "demo-congrats"])
    static let vk5qi = [RealSpeechTests.vk5qi]

    /// ve9qrp (a man, 112 s): the first 60 s to train on, the last 40 s held out.
    struct Cuts {
        let training: [URL]
        let heldOut: [URL]
    }

    static func ve9qrp(in dir: TemporaryDirectory) throws -> Cuts {
        let training = dir.path("ve9qrp-train.wav"), heldOut = dir.path("ve9qrp-test.wav")
        try SpeechFixtures.run("/usr/bin/sox", [ve9qrpFile.path, training.path, "trim", "0", "60"])
        try SpeechFixtures.run("/usr/bin/sox", [ve9qrpFile.path, heldOut.path, "trim", "72", "40"])
        return Cuts(training: [training], heldOut: [heldOut])
    }

    enum Pair: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case allisonToVe9qrp = "Allison → ve9qrp (woman → man)"
        case ve9qrpToAllison = "ve9qrp → Allison (man → woman)"
        case carloToVe9qrp = "Carlo → ve9qrp (man → man)"
        var testDescription: String { rawValue }
    }

    @Test("a converted voice is identified as the target far more often than the source is; no burst of musical noise",
          arguments: Pair.allCases)
    func identified(_ pair: Pair) throws {
        let files = Self.allisonTraining + Self.allisonHeldOut + Self.carloTraining + Self.carloHeldOut + Self.june + Self.vk5qi
            + [Self.ve9qrpFile]
        for file in files {
            try #require(FileManager.default.fileExists(atPath: file.path),
                         "\(file.path) is missing: install asterisk-core-sounds-en-wav, -fr-wav, -it-wav and codec2-examples (scripts/dev.sh does)")
        }
        let dir = try TemporaryDirectory("speaker-identity")
        let ve9qrp = try Self.ve9qrp(in: dir)
        let (source, target, targetName): ([URL], [URL], String) = switch pair {
        case .allisonToVe9qrp: (Self.allisonHeldOut, ve9qrp.training, "ve9qrp")
        case .ve9qrpToAllison: (ve9qrp.heldOut, Self.allisonTraining, "allison")
        case .carloToVe9qrp: (Self.carloHeldOut, ve9qrp.training, "ve9qrp")
        }
        let identifier = try SpeakerIdentifier([
            ("allison", Self.allisonTraining), ("ve9qrp", ve9qrp.training), ("carlo", Self.carloTraining),
            ("june", Self.june), ("vk5qi", Self.vk5qi),
        ])
        let profile = try VoiceAnalyzer.profile(of: target)
        var sourceNames: [String] = [], convertedNames: [String] = []
        var sourceSpikes = 0.0, convertedSpikes = 0.0
        for (i, clip) in source.enumerated() {
            let output = dir.path("converted-\(i).wav")
            try VoiceConverter.convert(input: clip, output: output, target: profile, settings: ConversionSettings(mapsEnvelopes: true))
            sourceNames += try identifier.identify(clip)
            convertedNames += try identifier.identify(output)
            sourceSpikes = max(sourceSpikes, try SpeakerIdentifier.flatnessSpikes(clip))
            convertedSpikes = max(convertedSpikes, try SpeakerIdentifier.flatnessSpikes(output))
        }
        func share(_ names: [String]) -> Double { Double(names.filter { $0 == targetName }.count) / Double(max(1, names.count)) }
        print("\(pair.rawValue): identified as the target: source \(share(sourceNames) * 100)% \(sourceNames), "
            + "converted \(share(convertedNames) * 100)% \(convertedNames); flatness spikes source \(sourceSpikes * 100)%, "
            + "converted \(convertedSpikes * 100)%; \(profile.codebook?.classes.count ?? 0) envelope classes")
        #expect(share(convertedNames) >= share(sourceNames) + 0.5)
        #expect(convertedSpikes <= sourceSpikes + 0.05)
    }
}
