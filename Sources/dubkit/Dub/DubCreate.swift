import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub create --project P --voice PROVIDER:VOICE (--file F | --link URL) …`.
struct DubCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a dub (checked against the provider's limits) and print its id; `dub run` converts it.",
        discussion: """
            Examples:
              dubkit dub create --project films --voice local:deep --file take.wav
              dubkit dub create --project films --voice soxpitch:high --file a.wav --pitch -2
              dubkit dub create --project films --voice local:warm --link https://x.org/a.mp4
              dubkit dub create --project p --voice voicedub:calm --file a.mp4 --separate
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Option(help: ArgumentHelp("The voice, as PROVIDER:VOICE (e.g. soxpitch:high).", valueName: "provider:voice"), completion: Completions.voices)
    var voice: String

    @Option(help: ArgumentHelp("A local audio or video file to dub.", valueName: "path"))
    var file: String?

    @Option(help: ArgumentHelp("An http(s) link to a media file (or to a web page, fetched with yt-dlp when installed); downloaded once by `dub run`.", valueName: "url"))
    var link: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Pitch shift in \(ParameterCatalogue.pitchShift.unit), \(ParameterCatalogue.pitchShift.rangeText) (e.g. --pitch -3); the same as --param pitchShift.",
        valueName: "n"))
    var pitch: Int?

    @Flag(help: "Separate the vocals from the backing track before converting (providers that offer it: voicedub, voiceconvert; not local).")
    var separate = false

    @Option(help: ArgumentHelp("Cut the input in pauses into chunks of at most this many seconds, converted one by one and joined (inputs longer than the provider takes are cut anyway).", valueName: "seconds"))
    var chunk: Double?

    @Option(name: .customLong("param"), help: ArgumentHelp("A provider parameter, KEY=VALUE (VALUE read as JSON when it parses). Repeatable.", valueName: "key=value"))
    var params: [String] = []

    func validate() throws {
        guard (file == nil) != (link == nil) else { throw ValidationError("give exactly one of --file and --link") }
        guard let colon = voice.firstIndex(of: ":"), colon != voice.startIndex, voice.index(after: colon) != voice.endIndex else {
            throw ValidationError("--voice must be PROVIDER:VOICE, e.g. soxpitch:high (got '\(voice)')")
        }
        if let chunk, !(chunk >= ChunkPlanner.minimumChunkSeconds) || !chunk.isFinite {
            throw ValidationError("--chunk must be at least \(Int(ChunkPlanner.minimumChunkSeconds)) second (got \(chunk))")
        }
        for param in params where !param.contains("=") || param.hasPrefix("=") {
            throw ValidationError("--param must be KEY=VALUE (got '\(param)')")
        }
    }

    func run() async throws {
        // On PostgreSQL the project's schema is made when missing (there is no `project create` there yet).
        try await global.withDubStore(project.project, creating: true) { store in try await create(in: store) }
    }

    private func create(in store: any DubStore) async throws {
        let (providerID, voiceRef) = Self.split(voice)
        let parameters = try DubParameters(arguments: params)
        // Nothing is written before the provider, the voice, the options and the input are checked.
        let registry = Registry.make(global)
        let provider = try await registry.provider(providerID)
        // --pitch and --param pitchShift are one parameter, folded here: what is stored is what is sent.
        let settings = try DubSettings(pitch: pitch, parameters: parameters, provider: provider.descriptor)
        try DubPreflight.checkSeparate(separate, provider: provider.descriptor, among: registry.builtInDescriptors)
        // A voice trained in this project goes by its name; any other must be one the provider has.
        try DubPreflight.checkVoice(voiceRef, of: provider, trained: try await trainedVoices(of: providerID, in: store))
        let source: String
        if let file {
            let url = URL(fileURLWithPath: file)
            try DubPreflight.checkInput(url, field: "--file")
            source = url.standardizedFileURL.path
        } else {
            source = try MediaLink(link ?? "").url.absoluteString
        }
        var dub = try Dub(providerID: providerID, voiceRef: voiceRef, sourceKind: file == nil ? .link : .file,
                          source: source, pitchShift: settings.pitchShift, separate: separate, parameters: settings.parameters)
        dub.chunkSeconds = chunk
        let created = try await store.createDub(dub)
        if global.json {
            try Output.json(created.forOutput)
        } else {
            print(created.id.map(String.init) ?? "?")
        }
    }

    /// The names of the voices trained in the project for `providerID` (none on a store that keeps no
    /// voices yet: PostgreSQL).
    private func trainedVoices(of providerID: String, in store: any DubStore) async throws -> [String] {
        guard let voices = store as? any VoiceDatasetStore else { return [] }
        return try await voices.voiceListing(provider: providerID).voices.map(\.name)
    }

    static func split(_ voice: String) -> (String, String) {
        guard let colon = voice.firstIndex(of: ":") else { return (voice, "") }
        return (String(voice[..<colon]), String(voice[voice.index(after: colon)...]))
    }
}
