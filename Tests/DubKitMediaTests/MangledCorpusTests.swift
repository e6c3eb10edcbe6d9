import DubKitMedia
import Foundation
import Testing

/// Damaged files of every kind: truncations and random bytes always give a MediaError; bit flips
/// give one whenever the damage can be seen (headers, frame sync, FLAC's CRCs, AAC's and MP3's
/// bitstreams), and otherwise an output as long as the intact file's, never a silently shorter one.
/// Never a crash, never a file left under the output's name.
@Suite("mangled-file corpus")
struct MangledCorpusTests {
    /// MP4 (index at the end), MP4 with its index first (so a cut leaves readable packets), MKV,
    /// WAV, FLAC and MP3.
    private static let sources: [(fixture: SourceFixture, fastStart: Bool)] =
        [(SourceFixture.all[0], false), (SourceFixture.all[0], true)] + [1, 4, 5, 6].map { (SourceFixture.all[$0], false) }

    private enum Damage {
        case truncated, flipped(Int), random
    }

    private struct Entry {
        var url: URL
        var damage: Damage
        /// The undamaged file it was made from.
        var intact: URL
        var isVideo: Bool
    }

    /// Writes the corpus: four truncations, two bit-flip counts and random bytes per source.
    private func makeCorpus(in scratch: Scratch) throws -> [Entry] {
        var generator = SeededGenerator(seed: 2026)
        var corpus: [Entry] = []
        for (fixture, fastStart) in Self.sources {
            var intact = try fixture.make(in: scratch)
            if fastStart {
                let moved = scratch.url("faststart-\(fixture.file)")
                try FFmpegTool.run(["-i", intact.path, "-c", "copy", "-movflags", "+faststart", moved.path])
                try FileManager.default.removeItem(at: intact)
                intact = moved
            }
            let name = intact.lastPathComponent
            let data = [UInt8](try Data(contentsOf: intact))
            let isVideo = fixture.videoCodec != nil
            for cut in [100, data.count / 4, data.count / 2, data.count * 9 / 10] {
                let url = scratch.url("cut\(cut)-\(name)")
                try Data(data.prefix(cut)).write(to: url)
                corpus.append(Entry(url: url, damage: .truncated, intact: intact, isVideo: isVideo))
            }
            for flips in [10, 300] {
                var bytes = data
                for _ in 0..<flips {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                }
                let url = scratch.url("flip\(flips)-\(name)")
                try Data(bytes).write(to: url)
                corpus.append(Entry(url: url, damage: .flipped(flips), intact: intact, isVideo: isVideo))
            }
            let url = scratch.url("random-\(name)")
            try Data((0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: url)
            corpus.append(Entry(url: url, damage: .random, intact: intact, isVideo: isVideo))
        }
        return corpus
    }

    @Test("truncations and random bytes fail; bit flips fail or keep the whole length; nothing is left behind")
    func corpus() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let corpus = try makeCorpus(in: scratch)
        #expect(corpus.count >= 20)
        let outputs = try Scratch()
        defer { outputs.remove() }
        var intactFrames: [URL: Int] = [:]
        var flippedFailures = 0
        for entry in corpus {
            let input = entry.url
            let output = outputs.url(input.deletingPathExtension().lastPathComponent + ".wav")
            do {
                let result = try AudioExtractor.extractAudio(from: input, to: output)
                let wav = try WAVReader(output)
                #expect(wav.frames == Int(result.samples), "\(input.lastPathComponent)")
                guard case .flipped = entry.damage else {
                    Issue.record("\(input.lastPathComponent): a \(entry.damage) file was extracted without an error")
                    continue
                }
                // Damage no check can see (flipped PCM samples, or bits of a codec with no checksum
                // that still decode): the output must be the intact file's full length.
                let expected = try intactFrames[entry.intact] ?? {
                    let reference = outputs.url("intact-\(entry.intact.lastPathComponent).wav")
                    return Int(try AudioExtractor.extractAudio(from: entry.intact, to: reference).samples)
                }()
                intactFrames[entry.intact] = expected
                #expect(wav.frames == expected, "\(input.lastPathComponent): \(wav.frames) frames of \(expected)")
            } catch let error as MediaError {
                if case .flipped = entry.damage { flippedFailures += 1 }
                #expect(error.path == input.path, "\(input.lastPathComponent): \(error)")
                #expect(!FileManager.default.fileExists(atPath: output.path), "\(input.lastPathComponent)")
            }
            #expect(outputs.contents().allSatisfy { !$0.hasSuffix(".partial") }, "\(input.lastPathComponent)")
            probeAndRemux(entry, outputs: outputs)
        }
        // Most flips land where a check sees them; the rest are asserted to keep the full length above.
        #expect(flippedFailures >= Self.sources.count)
    }

    /// Probing never crashes; remuxing a damaged video into a dub fails when its packets end early,
    /// and leaves nothing behind when it fails.
    private func probeAndRemux(_ entry: Entry, outputs: Scratch) {
        do {
            _ = try MediaProbe.probe(entry.url)
        } catch {
            #expect(error is MediaError, "\(entry.url.lastPathComponent): \(error)")
        }
        guard entry.isVideo else { return }
        let output = outputs.url("remux-\(entry.url.lastPathComponent)")
        do {
            _ = try Remuxer.remux(RemuxPlan(
                video: entry.url, output: output, dubbedTracks: [DubbedTrack(audio: entry.intact, language: "spa")]))
            if case .flipped = entry.damage {} else {
                Issue.record("\(entry.url.lastPathComponent): a \(entry.damage) video was remuxed without an error")
            }
            try? FileManager.default.removeItem(at: output)
        } catch {
            #expect(error is MediaError, "\(entry.url.lastPathComponent): \(error)")
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(entry.url.lastPathComponent)")
        }
        #expect(outputs.contents().allSatisfy { !$0.hasSuffix(".partial") }, "\(entry.url.lastPathComponent)")
    }
}
