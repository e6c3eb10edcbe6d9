import Foundation

/// Inputs the tests make or ship: the example plugin, and tones made with the sox program.
public enum Fixtures {
    /// The repository's root folder.
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example Python plugin of Plugins/SoxExample.
    public static let examplePlugin = repository.appendingPathComponent("Plugins/SoxExample/dubkit-provider-soxpitch")

    /// Copies the example plugin into `<workspace>/plugins/`.
    public static func installExamplePlugin(into workspace: URL) throws {
        let folder = workspace.appendingPathComponent("plugins")
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
