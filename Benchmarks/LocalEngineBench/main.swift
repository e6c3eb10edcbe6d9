import Foundation
import LocalEngine

// Times VoiceConverter on one file: local-engine-bench <target-voice-or-wav> <in.wav> <out.wav>
let args = CommandLine.arguments
guard args.count == 4 else {
    FileHandle.standardError.write(Data("usage: local-engine-bench <preset-name|target.wav> <in.wav> <out.wav>\n".utf8))
    exit(2)
}
do {
    let start = Date()
    let target = try BuiltInVoices.profile(named: args[1]) ?? VoiceAnalyzer.profile(of: [URL(fileURLWithPath: args[1])])
    let profiled = Date()
    let summary = try VoiceConverter.convert(input: URL(fileURLWithPath: args[2]), output: URL(fileURLWithPath: args[3]), target: target)
    let end = Date()
    print(String(format: "target profile %.2f s, convert %.2f s; pitch ratio %.3f, formant ratio %.3f, clipped samples %d",
                 profiled.timeIntervalSince(start), end.timeIntervalSince(profiled), summary.meanPitchRatio,
                 summary.formantRatio, summary.clippedSamples))
} catch {
    FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
    exit(1)
}
