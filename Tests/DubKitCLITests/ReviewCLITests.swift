import DubKitTestSupport
import Foundation
import Testing

@Suite("dubkit review")
struct ReviewCLITests {
    @Test("the review page renders in headless Chromium with every picture loaded, no error, and is not blank")
    func rendersInChromium() throws {
        let dir = try TemporaryDirectory()
        let dubkit = WorkspaceCLI(dir: dir)
        let speech = dir.path("speech.wav")
        #expect(try ChildProcess.run("/usr/bin/espeak-ng", ["-w", speech.path, "A line to hear before and after the dub."]).status == 0)
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        #expect(try dubkit(["dataset", "add", "--project", "p", "takes", speech.path]).status == 0)
        #expect(try dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", speech.path]).status == 0)
        #expect(try dubkit(["dub", "run", "--project", "p", "--all"]).status == 0)
        // A second dub that failed still has its section.
        let moved = dir.path("moved.wav")
        try FileManager.default.copyItem(at: speech, to: moved)
        #expect(try dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", moved.path]).status == 0)
        try FileManager.default.removeItem(at: moved)
        #expect(try dubkit(["dub", "run", "--project", "p", "2"]).status == 1)

        let folder = dir.path("review")
        let written = try dubkit(["review", "--project", "p", "-o", folder.path])
        #expect(written.status == 0, "\(written.stderr)")
        let index = folder.appendingPathComponent("index.html")
        let html = try String(contentsOf: index, encoding: .utf8)
        #expect(html.contains("Dub 1") && html.contains("Dub 2") && html.contains("Dataset takes") && html.contains("speech.wav"))
        // Each dub's facts and stage times: voice, provider, credits, and a row per stage attempt.
        let first = try #require(html.range(of: "id=\"dub-1\"").map { String(html[$0.lowerBound...].prefix(while: { _ in true })) })
        let dubOne = String(first[..<(first.range(of: "id=\"dub-2\"")?.lowerBound ?? first.endIndex)])
        for fact in ["<dd>local:deep</dd>", "<dd>local</dd>", "<dd>0 used, 0 required</dd>", "<dd>done</dd>"] {
            #expect(dubOne.contains(fact), "dub 1 lacks \(fact)")
        }
        for stage in ["upload", "preprocess", "generate", "download"] {
            #expect(dubOne.contains("<tr><td>\(stage)</td><td>1</td><td>succeeded</td>"), "dub 1 lacks a \(stage) row")
        }
        #expect(html.contains("dub_failed") || html.contains("error"), "dub 2's error is not shown")
        // The pictures are real PNGs, compressed.
        let pictures = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("images").path)
        #expect(pictures.count == 4, "\(pictures)")
        for name in pictures {
            let data = try Data(contentsOf: folder.appendingPathComponent("images/\(name)"))
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]) && data.count > 24, "\(name) is not a PNG")
            guard data.count > 24 else { continue }
            let be = { (at: Int) in (0..<4).reduce(0) { $0 << 8 | Int(data[at + $1]) } }
            let raw = be(16) * be(20) * 3
            #expect(data.count < raw * 6 / 10, "\(name): \(data.count) bytes for \(raw) bytes of pixels")
        }
        #expect(!html.contains("http://") && !html.contains("https://"), "the page fetches nothing from elsewhere")

        let chromium = ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1800"]
        let dom = try ChildProcess.run("/usr/bin/chromium", chromium + ["--virtual-time-budget=5000", "--dump-dom", index.absoluteString])
        #expect(dom.status == 0, "\(dom.stderr.suffix(500))")
        let marker = dom.stdout.range(of: "data-images=\"").map { String(dom.stdout[$0.upperBound...].prefix(8)) } ?? "none"
        #expect(dom.stdout.contains("data-images=\"4/4\""), "images: \(marker)")
        #expect(dom.stdout.contains("data-errors=\"0\""))
        let players = dom.stdout.range(of: "data-audio=\"").map { String(dom.stdout[$0.upperBound...].prefix(8)) } ?? "none"
        #expect(dom.stdout.contains("data-audio=\"2/2\""), "players: \(players)")

        let shot = dir.path("shot.png")
        let shotTaken = try ChildProcess.run("/usr/bin/chromium", chromium + ["--screenshot=\(shot.path)", index.absoluteString])
        #expect(shotTaken.status == 0)
        // Not blank: a fair share of the pixels is dark (text, waveforms, spectrograms).
        let gray = try ChildProcess.run("/usr/bin/ffmpeg", ["-v", "error", "-i", shot.path, "-f", "rawvideo", "-pix_fmt", "gray",
                                                            dir.path("shot.gray").path])
        #expect(gray.status == 0)
        let pixels = try Data(contentsOf: dir.path("shot.gray"))
        let dark = pixels.filter { $0 < 128 }.count
        #expect(pixels.count == 1200 * 1800)
        #expect(Double(dark) / Double(max(pixels.count, 1)) > 0.05, "\(dark) dark pixels of \(pixels.count)")
    }
}
