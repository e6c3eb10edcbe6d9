import DubKitMedia
import Foundation
@testable import DubKitVoiceDSP
@testable import LocalEngine

/// espeak-ng speech generated once per test run: f3 and m3 reading a training text and a different test text.
struct SpeechFixtures: Sendable {
    let folder: URL
    var f3Train: URL { folder.appendingPathComponent("f3-train.wav") }
    var m3Train: URL { folder.appendingPathComponent("m3-train.wav") }
    var f3Test: URL { folder.appendingPathComponent("f3-test.wav") }
    /// m3 reading the test text with 0.5 s of silence before and after.
    var m3Test: URL { folder.appendingPathComponent("m3-test.wav") }

    static let trainText = "The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore. "
        + "How much wood would a woodchuck chuck if a woodchuck could chuck wood. Peter Piper picked a peck of pickled peppers."
    static let testText = "A journey of a thousand miles begins with a single step. "
        + "Every cloud has a silver lining, and the early bird catches the worm."

    static let shared: Result<SpeechFixtures, Error> = Result { try SpeechFixtures() }

    private init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("local-engine-fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.run("/usr/bin/espeak-ng", ["-v", "en+f3", "-w", f3Train.path, Self.trainText])
        try Self.run("/usr/bin/espeak-ng", ["-v", "en+m3", "-w", m3Train.path, Self.trainText])
        try Self.run("/usr/bin/espeak-ng", ["-v", "en+f3", "-w", f3Test.path, Self.testText])
        let raw = folder.appendingPathComponent("m3-test-raw.wav")
        try Self.run("/usr/bin/espeak-ng", ["-v", "en+m3", "-w", raw.path, Self.testText])
        try Self.run("/usr/bin/sox", [raw.path, m3Test.path, "pad", "0.5", "0.5"])
    }

    static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LocalEngineError.unreadableAudio(file: program, reason: "exit status \(process.terminationStatus)")
        }
    }

    /// All samples of a mono 16-bit WAV (test clips are short).
    static func samples(_ url: URL) throws -> (samples: [Float], rate: Int) {
        let reader = try PCMWAVSampleReader(url)
        return (try reader.read(reader.frameCount), reader.sampleRate)
    }

    /// RMS level in dBFS of `samples[range]`.
    static func level(_ samples: ArraySlice<Float>) -> Double {
        let power = samples.reduce(0.0) { $0 + Double($1 * $1) } / Double(max(1, samples.count))
        return 10 * log10(max(power, 1e-20))
    }

    static func cents(_ a: Double, over b: Double) -> Double { 1200 * log2(a / b) }
}
