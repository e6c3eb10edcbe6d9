import DubKitMedia
import Foundation
import Testing

/// Damaged files of every kind must give a MediaError or a valid shorter output — never a crash,
/// never a partial file under the output's name.
@Suite("mangled-file corpus")
struct MangledCorpusTests {
    private static let sources = [0, 1, 4, 5, 6].map { SourceFixture.all[$0] }

    /// Writes the corpus: truncations, bit flips and random bytes, for each source container.
    private func makeCorpus(in scratch: Scratch) throws -> [URL] {
        var generator = SeededGenerator(seed: 2026)
        var corpus: [URL] = []
        for fixture in Self.sources {
            let source = try fixture.make(in: scratch)
            let data = [UInt8](try Data(contentsOf: source))
            try FileManager.default.removeItem(at: source)
            let ext = source.pathExtension
            for cut in [100, data.count / 4, data.count / 2, data.count * 9 / 10] {
                let url = scratch.url("cut\(cut)-\(fixture.file)")
                try Data(data.prefix(cut)).write(to: url)
                corpus.append(url)
            }
            for flips in [10, 300] {
                var bytes = data
                for _ in 0..<flips {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                }
                let url = scratch.url("flip\(flips)-\(fixture.file)")
                try Data(bytes).write(to: url)
                corpus.append(url)
            }
            let url = scratch.url("random.\(ext)")
            try Data((0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: url)
            corpus.append(url)
        }
        return corpus
    }

    @Test("each damaged file fails cleanly or yields a valid short output")
    func corpus() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let corpus = try makeCorpus(in: scratch)
        #expect(corpus.count >= 20)
        let outputs = try Scratch()
        defer { outputs.remove() }
        var failures = 0
        for input in corpus {
            let output = outputs.url(input.deletingPathExtension().lastPathComponent + ".wav")
            do {
                let result = try AudioExtractor.extractAudio(from: input, to: output)
                let wav = try WAVReader(output)
                #expect(wav.frames == Int(result.samples), "\(input.lastPathComponent)")
                #expect(wav.durationSeconds <= SourceFixture.seconds + 0.2, "\(input.lastPathComponent)")
            } catch is MediaError {
                failures += 1
                #expect(!FileManager.default.fileExists(atPath: output.path), "\(input.lastPathComponent)")
            }
            #expect(outputs.contents().allSatisfy { !$0.hasSuffix(".partial") }, "\(input.lastPathComponent)")
            _ = try? MediaProbe.probe(input)
        }
        // Random bytes and 100-byte stubs can never decode: the corpus really exercises the error paths.
        #expect(failures >= Self.sources.count * 2)
    }
}
