import Foundation

/// A temporary folder for one test's generated inputs and outputs; removed by `remove()`.
struct Scratch {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("DubKitMediaTests-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func url(_ name: String) -> URL {
        folder.appendingPathComponent(name)
    }

    /// Names of files in the folder (including hidden temporary files).
    func contents() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? []
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs the ffmpeg program to make test inputs (never used by the product).
enum FFmpegTool {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "ffmpeg \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }

    /// A `seconds`-long sine tone as a lavfi input.
    static func tone(_ frequency: Int = 440, rate: Int = 48_000, seconds: Double = 2) -> [String] {
        ["-f", "lavfi", "-i", "sine=frequency=\(frequency):sample_rate=\(rate):duration=\(seconds)"]
    }

    /// A small test-pattern video as a lavfi input.
    static func video(seconds: Double = 2) -> [String] {
        ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=\(seconds)"]
    }
}

/// A deterministic random source, so a mangled corpus is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
