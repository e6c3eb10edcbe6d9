import ArgumentParser
import DubKit

/// `dubkit provider check ID`.
struct ProviderCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Reach a provider with its key and show the account's credits.",
        discussion: """
            Examples:
              dubkit provider check voicedub
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The provider's id, as `provider list` shows it.", valueName: "provider"))
    var id: String

    struct Report: Encodable {
        var id: String
        var name: String
        var credits: Int64?
    }

    func run() async throws {
        let provider = try await Registry.make(global).provider(id)
        _ = try Credentials().key(for: provider.descriptor)
        let account = try await provider.account()
        let report = Report(id: id, name: provider.descriptor.name, credits: account.credits)
        if global.json {
            try Output.json(report)
        } else {
            print("\(report.name) (\(id)): reachable, \(account.credits.map { "\($0) credits left" } ?? "credits not reported")")
        }
    }
}
