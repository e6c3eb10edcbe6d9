import ArgumentParser

/// `dubkit dataset`: recordings grouped to train voices.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Create, list, inspect and delete the training datasets of a project.",
        discussion: """
            Examples:
              dubkit dataset add --project films narrator take1.wav take2.flac
              dubkit dataset show --project films narrator
            """,
        subcommands: [DatasetCreate.self, DatasetAdd.self, DatasetList.self, DatasetShow.self, DatasetValidate.self, DatasetPrepare.self, DatasetDelete.self]
    )
}
