import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub cancel --project P ID…`.
struct DubCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel dubs that are not finished.",
        discussion: """
            The provider is asked to stop the dub's job when it has one and can; a `dub run` working on \
            the dub stops at its next step. A cancelled dub is final: create a new one to start over.

            Examples:
              dubkit dub cancel --project films 8
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dubs' ids.", valueName: "dub-id"), completion: Completions.dubIDs)
    var ids: [Int64]

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give the ids of the dubs to cancel") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let registry = Registry.make(global)
        var cancelled: [Dub] = []
        for id in ids {
            let dub = try store.dub(id)
            let runner = DubRunner(store: store, provider: try await registry.provider(dub.providerID))
            let note = try await runner.cancel(id)
            if !global.json { print("dub \(id): cancelled; \(note)") }
            cancelled.append(try store.dub(id))
        }
        if global.json { try Output.json(cancelled.map(\.forOutput)) }
    }
}
