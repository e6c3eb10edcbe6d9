import FakeVoiceDub
import Foundation

// The fake VoiceDub server as a program, for benchmarks and trying the CLI by hand:
// `fake-voicedub [--stage-ms N] [--credits N] [--key K] [--close]` prints its base URL, then serves
// until its stdin closes or it is killed. Connections are kept open between requests, as the real
// API keeps them; `--close` closes each after one answer (as the fake does in tests).
var stageMilliseconds = 0
var keepAlive = true
var credits: Int64 = 100_000_000
var key = "bench-key"
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    if flag == "--close" {
        keepAlive = false
        continue
    }
    let value = arguments.popFirst() ?? ""
    switch flag {
    case "--stage-ms": stageMilliseconds = Int(value) ?? stageMilliseconds
    case "--credits": credits = Int64(value) ?? credits
    case "--key": key = value
    default:
        FileHandle.standardError.write(Data("fake-voicedub: unknown option \(flag)\n".utf8))
        exit(2)
    }
}
let fake = try FakeVoiceDub(options: .init(apiKey: key, startingCredits: credits, stageDuration: .milliseconds(stageMilliseconds),
                                            keepAlive: keepAlive))
FileHandle.standardOutput.write(Data((fake.baseURL.absoluteString + "\n").utf8))
while let line = readLine(strippingNewline: true) {
    if line == "stats" {
        let generated = fake.dubIDs.compactMap { fake.dub($0) }.map(\.generateCalls).reduce(0, +)
        let calls = FakeVoiceDub.Operation.allCases.map { fake.calls($0) }.reduce(0, +)
        FileHandle.standardOutput.write(Data("dubs \(fake.dubIDs.count) generated \(generated) calls \(calls)\n".utf8))
    }
}
fake.stop()
