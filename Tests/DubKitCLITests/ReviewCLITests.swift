import DubKitTestSupport
import Foundation
import Testing

@Suite("dubkit review")
struct ReviewCLITests {
    @Test("the review page renders in headless Chromium with every picture loaded, no error, and is not blank")
    func rendersInChromium() throws {
        let dir = try TemporaryDirectory()
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "DUBKIT_POLL_INTERVAL": "0.05"]
        func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
        }
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
        #expect(!html.contains("http://") && !html.contains("https://"), "the page fetches nothing from elsewhere")

        let chromium = ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1800"]
        let dom = try ChildProcess.run("/usr/bin/chromium", chromium + ["--virtual-time-budget=5000", "--dump-dom", index.absoluteString])
        #expect(dom.status == 0, "\(dom.stderr.suffix(500))")
        let marker = dom.stdout.range(of: "data-images=\"").map { String(dom.stdout[$0.upperBound...].prefix(8)) } ?? "none"
        #expect(dom.stdout.contains("data-images=\"4/4\""), "images: \(marker)")
        #expect(dom.stdout.contains("data-errors=\"0\""))

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
