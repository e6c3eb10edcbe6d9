import ArgumentParser
import DubKit
import Foundation

/// `dubkit dataset delete --project P NAME`.
struct DatasetDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a dataset with its recordings and the media no other record uses.",
        discussion: """
            On a terminal it asks first (type the dataset's name or y); elsewhere --yes is required. Refused \
            while a voice trained from it is not done (its training may go on); a trained voice keeps its model.

            Examples:
              dubkit dataset delete --project films narrator
              dubkit dataset delete --project films narrator-local --yes
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dataset's name.", valueName: "dataset"), completion: Completions.datasets)
    var name: String

    @OptionGroup var confirmation: ConfirmOption

    func run() throws {
        let store = try global.open(project.project)
        let dataset = try store.dataset(named: name)
        let files = try store.files(of: dataset).count
        try confirmation.delete("dataset \(name)", question: "Delete dataset \(name) and its \(files) recording\(files == 1 ? "" : "s")? "
                                + "Type its name or y to confirm:", answers: [name], json: global.json) {
            try store.deleteDataset(name)
        }
    }
}
