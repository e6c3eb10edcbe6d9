import ArgumentParser

/// `dubkit dataset`: recordings grouped to train voices.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Create, list and inspect the training datasets of a project.",
        subcommands: [DatasetCreate.self, DatasetAdd.self, DatasetList.self, DatasetShow.self, DatasetValidate.self, DatasetPrepare.self]
    )
}
