import DubKit
import DubKitTestSupport
import FakeKits
import Foundation
import Testing

/// `--pitch` and `--param pitchShift` are one parameter: folded at `dub create`, so what is stored is
/// what `dub show` prints and what the service receives.
@Suite("dubkit: one pitch parameter")
struct PitchParameterCLITests {
    static let key = "kits-pitch-5e2a91c7"

    @Test("--param pitchShift=3 stores and shows pitch 3 and the service receives 3; --pitch 2 with it is a usage error")
    func folded() throws {
        let fake = try FakeKits(options: .init(apiKey: Self.key, stageDuration: .milliseconds(60)))
        let dir = try TemporaryDirectory()
        let env = ["KITS_BASE_URL": fake.baseURL.absoluteString, "KITS_API_KEY": Self.key]
        let audio = dir.path("take.wav")
        try Fixtures.tone(audio, seconds: 2)
        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        let create = ["dub", "create", "--project", "films", "--voice", "kits:2", "--file", audio.path]

        let clash = try dubkit(create + ["--pitch", "2", "--param", "pitchShift=3"], dir, env)
        #expect(clash.status == 2, "\(clash.stderr)")
        #expect(clash.stderr.contains("--pitch 2") && clash.stderr.contains("--param pitchShift=3"), "\(clash.stderr)")
        let outside = try dubkit(create + ["--param", "pitchShift=25"], dir, env)
        #expect(outside.status == 2 && outside.stderr.contains("-24...24"), "\(outside.stderr)")

        let created = try dubkit(["--json"] + create + ["--param", "pitchShift=3", "--param", "conversionStrength=0.4"], dir, env)
        #expect(created.status == 0, "\(created.stderr)")
        let shown = try dubkit(["--json", "dub", "show", "--project", "films", "1"], dir, env)
        let dub = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], "\(shown.stderr)")
        #expect(dub["pitchShift"] as? Int == 3, "\(shown.stdout)")
        let parameters = try #require(dub["parameters"] as? [String: Any], "\(shown.stdout)")
        #expect(parameters["pitchShift"] == nil && parameters["conversionStrength"] as? Double == 0.4, "\(shown.stdout)")
        let people = try dubkit(["dub", "show", "--project", "films", "1"], dir, env)
        #expect(people.stdout.contains("3 semitones"), "\(people.stdout)")

        let ran = try dubkit(["--json", "dub", "run", "--project", "films", "--all"], dir, env)
        #expect(ran.status == 0, "\(ran.stderr)")
        let conversion = try #require(fake.conversionIDs.first.flatMap { fake.conversion($0) })
        #expect(conversion.fields["pitchShift"] == "3" && conversion.fields["conversionStrength"] == "0.4", "\(conversion.fields)")
        #expect(fake.calls(.createConversion) == 1)
    }
}
