import ArgumentParser
import DubKit
import Foundation

/// `dubkit voice train --project P NAME --dataset D --provider ID`.
struct VoiceTrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a custom voice from a dataset; run it again to continue an interrupted training.",
        discussion: """
            Examples:
              dubkit voice train --project films narrator-v --dataset narrator
              dubkit voice train --project films nv --dataset nv-set --provider voicedub
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The new voice's name; dub with it as PROVIDER:NAME.", valueName: "voice-name"))
    var name: String

    @Option(help: ArgumentHelp("The dataset to train from.", valueName: "dataset"), completion: Completions.datasets)
    var dataset: String

    @Option(help: ArgumentHelp("The provider that trains it (local, voicedub, …).", valueName: "provider"))
    var provider: String = "local"

    @Option(help: ArgumentHelp("Minutes of audio the provider may use (VoiceDub: 5...60).", valueName: "n"))
    var maxMinutes: Int?

    @Flag(help: "Separate vocals from music in the dataset first.")
    var separate = false

    @Option(help: ArgumentHelp("Credits the project may spend in all, trainings included (default: the project's budget).", valueName: "n"))
    var budget: Int64?

    @Option(name: .customLong("param"), help: ArgumentHelp(
        "A provider training parameter, KEY=VALUE (Cartesia: language, model_id, description). Repeatable.", valueName: "key=value"))
    var params: [String] = []

    func run() async throws {
        let parameters = try DubParameters(arguments: params)
        let store = try global.open(project.project)
        let dataset = try store.dataset(named: self.dataset)
        let provider = try await Registry.make(global).provider(self.provider)
        let progress = StageProgress(json: global.json)
        // As for `dub run`: polling faster than the provider's minimum only for test and self-hosted servers.
        let interval = PollInterval.override()
        let trainer = VoiceTrainer(store: store, provider: provider, pollInterval: interval, budget: budget) { progress.report($0) }
        let voice = try await trainer.train(name: name, dataset: dataset, maxMinutes: maxMinutes, separate: separate,
                                          parameters: parameters)
        if global.json {
            try Output.json(voice)
        } else {
            print("voice \(voice.reference): \(voice.status.rawValue)"
                  + (voice.errorCode.map { " (\($0): \(voice.errorMessage ?? ""))" } ?? ""))
        }
        if voice.status == .error { throw ExitCode.failure }
    }
}
