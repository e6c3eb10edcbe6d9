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
    try VoiceConverter.convert(input: URL(fileURLWithPath: args[2]), output: URL(fileURLWithPath: args[3]), target: target)
    let end = Date()
    print(String(format: "target profile %.2f s, convert %.2f s", profiled.timeIntervalSince(start), end.timeIntervalSince(profiled)))
} catch {
    FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
    exit(1)
}
