import Foundation
import DubKitVoiceDSP
import LocalEngine

// Times VoiceConverter on one file:      local-engine-bench <preset-name|target.wav> <in.wav> <out.wav>
// Trains once, converts several files:   local-engine-bench batch <out-dir> <strength> <train-list.txt> <in.wav>...
//   (BENCH_STATS_ONLY=1: without the voice's codebook, as voices trained by the engine before it convert)
//   (train-list.txt: one recording of the target a line; each converted file keeps its input's name in out-dir)
let args = CommandLine.arguments

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    exit(code)
}

do {
    if args.count >= 5, args[1] == "batch" {
        let outDir = URL(fileURLWithPath: args[2])
        guard let strength = Double(args[3]) else { fail("strength must be a number in 0...1", code: 2) }
        let list = try String(contentsOfFile: args[4], encoding: .utf8)
        let files = list.split(separator: "\n").map { URL(fileURLWithPath: String($0)) }
        let start = Date()
        var target = try VoiceAnalyzer.profile(of: files)
        let trained = Date()
        // BENCH_STATS_ONLY=1 converts as a voice trained before the codebook did (statistics, warp and EQ).
        if ProcessInfo.processInfo.environment["BENCH_STATS_ONLY"] != nil { target.codebook = nil }
        let model = try JSONEncoder().encode(target)
        print(String(format: "trained on %d files in %.2f s; model %d bytes of JSON", files.count,
                     trained.timeIntervalSince(start), model.count))
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        for input in args[5...] {
            let url = URL(fileURLWithPath: input)
            let output = outDir.appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".wav")
            let summary = try VoiceConverter.convert(input: url, output: output, target: target,
                                                     settings: ConversionSettings(conversionStrength: strength, mapsEnvelopes: true))
            print(String(format: "%@: pitch ratio %.3f, formant ratio %.3f, %d envelope classes", url.lastPathComponent,
                         summary.meanPitchRatio, summary.formantRatio, summary.envelopeClasses))
        }
    } else if args.count == 4 {
        let start = Date()
        let target = try BuiltInVoices.profile(named: args[1]) ?? VoiceAnalyzer.profile(of: [URL(fileURLWithPath: args[1])])
        let profiled = Date()
        let summary = try VoiceConverter.convert(input: URL(fileURLWithPath: args[2]), output: URL(fileURLWithPath: args[3]), target: target)
        let end = Date()
        print(String(format: "target profile %.2f s, convert %.2f s; pitch ratio %.3f, formant ratio %.3f, clipped samples %d",
                     profiled.timeIntervalSince(start), end.timeIntervalSince(profiled), summary.meanPitchRatio,
                     summary.formantRatio, summary.clippedSamples))
    } else {
        fail("usage: local-engine-bench <preset-name|target.wav> <in.wav> <out.wav>\n"
            + "       local-engine-bench batch <out-dir> <strength> <train-list.txt> <in.wav>...", code: 2)
    }
} catch {
    fail("error: \(error.localizedDescription)", code: 1)
}
