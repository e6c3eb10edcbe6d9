import ArgumentParser
import DubKit
import DubKitMedia
import Foundation

/// `dubkit media extract INPUT -o OUT`.
struct MediaExtract: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract one audio stream to a WAV, FLAC or MP3 file (type from the output's extension).",
        discussion: """
            A damaged or truncated file is refused; --ignore-damage keeps what decodes (damaged \
            packets are skipped and counted). An http(s) link is downloaded first: into the project's media store with --project (kept, \
            by hash), otherwise into a temporary folder removed afterwards. An output that exists is \
            replaced only with --force.

            Examples:
              dubkit media extract talk.mp4 -o talk.wav --rate 16000 --mono
              dubkit media extract film.mkv -o french.flac --language fra
              dubkit media extract https://example.com/talk.mp4 -o talk.wav
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var download: DownloadOptions

    @Argument(help: ArgumentHelp("The audio or video file to read, or an http(s) link to one.", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("Keep a link's download in this project's media store.", valueName: "project"), completion: Completions.projects)
    var project: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The file to write (.wav, .flac or .mp3).", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Output sample rate in Hz (default: the source's).", valueName: "hz"))
    var rate: Int?

    @Flag(help: "Downmix to one channel.")
    var mono = false

    @Flag(help: "Write two channels.")
    var stereo = false

    @Option(help: ArgumentHelp("Sample encoding: s16, s24 or f32 (WAV; FLAC stores f32 as 24-bit).", valueName: "encoding"))
    var encoding: AudioSampleEncoding = .s16

    @Option(help: ArgumentHelp("Extract the audio stream with this index (see `media probe`).", valueName: "n"))
    var stream: Int?

    @Option(help: ArgumentHelp("Extract the first audio stream tagged with this language, e.g. eng.", valueName: "code"))
    var language: String?

    @Flag(help: "Keep what decodes of a damaged or truncated file instead of refusing it.")
    var ignoreDamage = false

    @OptionGroup var overwrite: OverwriteOption

    func validate() throws {
        if mono && stereo { throw ValidationError("--mono and --stereo cannot be used together.") }
        if stream != nil && language != nil { throw ValidationError("--stream and --language cannot be used together.") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be a positive number of Hz.") }
    }

    func run() async throws {
        try overwrite.check(output)
        let source = try await MediaInputFile.resolve(input, project: project, global: global, download: download)
        defer { source.cleanUp() }
        let selection: AudioStreamSelection = stream.map { .index($0) } ?? language.map { .language($0) } ?? .first
        let options = AudioExtractionOptions(
            sampleRate: rate, channels: mono ? .mono : stereo ? .stereo : .keep, encoding: encoding, stream: selection,
            toleratesDamage: ignoreDamage)
        let progress = PercentProgress("extracting", json: global.json)
        let result = try await AudioExtractor.extractAudio(
            from: source.url, to: URL(fileURLWithPath: output), options: options, progress: progress.callback)
        progress.finish()
        if global.json {
            try Output.json(LinkedResult(result: result, download: source.downloaded))
            return
        }
        Output.fields([
            ("output", result.output),
            ("format", result.format.rawValue),
            ("audio", "\(result.sampleRate) Hz, \(result.channels) channel(s)"),
            ("duration", String(format: "%.3f s", result.durationSeconds)),
            ("input", source.downloaded.map { "\($0.link) (sha256 \($0.ref.hash))" } ?? input),
            ("source", "stream \(result.sourceStreamIndex) (\(result.sourceCodec))"),
            ("skipped", "\(result.skippedPackets) damaged packet(s)"),
        ])
    }
}

extension AudioSampleEncoding: ExpressibleByArgument {}
