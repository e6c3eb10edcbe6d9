import ArgumentParser
import DubKit
import Foundation

/// `dubkit voice run --project P (NAME… | --all)`.
struct VoiceRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Continue custom-voice trainings until done or error.",
        discussion: """
            Each training continues from its recorded status: a voice already created is not created \
            again, and a training request that may have reached the provider is looked up there before \
            it is sent again.

            Examples:
              dubkit voice run --project films --all
              dubkit voice run --project films narrator-v
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The voices' names (as given to `voice train`), with or without PROVIDER:.", valueName: "voice"),
              completion: Completions.voiceNames)
    var names: [String] = []

    @Flag(help: "Every voice that is not done or in error.")
    var all = false

    @Option(help: ArgumentHelp("Credits the project may spend in all, trainings included (default: the project's budget).", valueName: "n"))
    var budget: Int64?

    func validate() throws {
        guard names.isEmpty != !all else { throw ValidationError("give voice names or --all, not both or neither") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let voices = try store.voices()
        let selected = try all ? voices.filter { !$0.status.isFinal && $0.status != .error } : names.map { name in
            guard let voice = voices.first(where: { $0.name == name || $0.reference == name }) else {
                throw DubKitError.notFound(entity: .voice, key: name, project: store.name)
            }
            return voice
        }
        let registry = Registry.make(global)
        let interval = PollInterval.override()
        var results: [Voice] = []
        for voice in selected {
            guard let id = voice.id else { continue }
            let progress = StageProgress(json: global.json)
            var trainer = VoiceTrainer(store: store, provider: try await registry.provider(voice.providerID),
                                       pollInterval: interval, budget: budget) { progress.report($0) }
            if let delay = ProcessInfo.processInfo.environment["DUBKIT_RETRY_DELAY"].flatMap(Double.init) { trainer.retryDelay = delay }
            results.append(try await trainer.run(id))
        }
        if global.json {
            try Output.json(results)
        } else {
            Output.table(["VOICE", "STATUS", "CREDITS", "ERROR"], results.map { voice in
                [voice.reference, voice.status.rawValue, String(voice.creditsUsed),
                 voice.errorCode.map { "\($0): \(voice.errorMessage ?? "")" } ?? ""]
            }, empty: "no voices to run")
        }
        if results.contains(where: { $0.status == .error }) { throw ExitCode.failure }
    }
}
