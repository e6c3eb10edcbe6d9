import Foundation

/// Inputs the tests make or ship: the example plugin, and tones made with the sox program.
public enum Fixtures {
    /// The repository's root folder.
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example Python plugin of Plugins/SoxExample.
    public static let examplePlugin = repository.appendingPathComponent("Plugins/SoxExample/dubkit-provider-soxpitch")

    /// Copies the example plugin into `<workspace>/.plugins/`.
    public static func installExamplePlugin(into workspace: URL) throws {
        let folder = workspace.appendingPathComponent(".plugins")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: examplePlugin, to: folder.appendingPathComponent(examplePlugin.lastPathComponent))
    }

    /// Writes a mono 16-bit WAV of a sine tone with sox; throws when sox fails.
    public static func tone(_ url: URL, seconds: Double = 1, frequency: Int = 220, rate: Int = 16000) throws {
        struct SoxFailed: Error {}
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        process.arguments = ["-n", "-r", String(rate), "-c", "1", "-b", "16", url.path,
                             "synth", String(seconds), "sine", String(frequency)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SoxFailed() }
    }

    /// Writes a 32-bit float WAV (format tag 3, the kind audio editors export) byte by byte: a sine at
    /// `frequency`, with `bad` (NaN, an infinity) in place of the samples at `badAt` (indices), so
    /// tests can hand DubKit audio that decodes to values that are not numbers.
    public static func floatWAV(_ url: URL, seconds: Double = 1, frequency: Double = 220, rate: Int = 16000, channels: Int = 1,
                                bad: Float = .nan, badAt: [Int] = []) throws {
        let frames = Int(seconds * Double(rate))
        var samples = [Float](repeating: 0, count: frames * channels)
        for frame in 0..<frames {
            for channel in 0..<channels {
                samples[frame * channels + channel] = Float(0.3 * sin(2 * Double.pi * frequency * Double(frame) / Double(rate)))
            }
        }
        for index in badAt where index < samples.count { samples[index] = bad }
        var data = Data()
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let payload = samples.count * 4
        data.append(contentsOf: Array("RIFF".utf8)); put(UInt32(4 + 26 + 12 + 8 + payload))
        data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); put(UInt32(18))
        put(UInt16(3)); put(UInt16(channels)); put(UInt32(rate)); put(UInt32(rate * channels * 4))
        put(UInt16(channels * 4)); put(UInt16(32)); put(UInt16(0))
        data.append(contentsOf: Array("fact".utf8)); put(UInt32(4)); put(UInt32(frames))
        data.append(contentsOf: Array("data".utf8)); put(UInt32(payload))
        for sample in samples { put(sample.bitPattern) }
        try data.write(to: url)
    }

    /// Writes a small H.264 + AAC MP4 (a test pattern and a 48 kHz stereo tone) with the ffmpeg program;
    /// with `audioSeconds`, the tone stops then while the picture goes on.
    public static func video(_ url: URL, seconds: Double = 2, frequency: Int = 300, audioSeconds: Double? = nil) throws {
        struct FFmpegFailed: Error {}
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-nostdin", "-loglevel", "error", "-y",
                             "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                             "-f", "lavfi"] + (audioSeconds.map { ["-t", String($0)] } ?? []) + [
                             "-i", "sine=frequency=\(frequency):sample_rate=48000",
                             "-t", String(seconds), "-ac", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                             url.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FFmpegFailed() }
    }
}
