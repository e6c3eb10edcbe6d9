import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub delete --project P ID`.
struct DubDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a dub with its chunks and the media no other record uses.",
        discussion: """
            On a terminal it asks first (type the dub's id or y); elsewhere --yes is required. A dub a \
            running `dub run` holds is refused, naming that process. Its paid calls stay in the ledger and \
            the credits it used stay counted against the budget; its log keeps a `deleted` note.

            Examples:
              dubkit dub delete --project films 3
              dubkit dub delete --project films 3 --yes --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dub's id.", valueName: "dub-id"), completion: Completions.dubIDs)
    var id: Int64

    @OptionGroup var confirmation: ConfirmOption

    func run() throws {
        let store = try global.open(project.project)
        let dub = try store.dub(id)
        let chunks = dub.chunkCount.map { " and its \($0) chunks" } ?? ""
        try confirmation.delete("dub \(id)", question: "Delete dub \(id) (\(dub.voiceRef), \(dub.status.rawValue))\(chunks)? "
                                + "Type its id or y to confirm:", answers: [String(id)], json: global.json) {
            try store.deleteDub(id)
        }
    }
}
