import ArgumentParser
import DubKit

/// `dubkit provider list`.
struct ProviderList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the providers: capabilities, billing, and whether a key is configured (never the key).",
        discussion: """
            Examples:
              dubkit provider list
              dubkit provider list --json
            """)

    @OptionGroup var global: GlobalOptions

    struct Entry: Encodable {
        var id: String
        var descriptor: ProviderDescriptor?
        var key: Credentials.Source?
        var problem: String?
    }

    func run() async throws {
        let credentials = Credentials()
        let entries = await Registry.make(global).describeAll().map { id, result in
            switch result {
            case let .success(descriptor):
                do {
                    return Entry(id: id, descriptor: descriptor, key: try credentials.source(for: descriptor))
                } catch {
                    return Entry(id: id, descriptor: descriptor, problem: error.localizedDescription)
                }
            case let .failure(error):
                return Entry(id: id, problem: error.localizedDescription)
            }
        }
        if global.json {
            try Output.json(entries)
            return
        }
        Output.table(
            ["ID", "NAME", "CAPABILITIES", "KEY", "NOTE"],
            entries.map { entry in
                [entry.id, entry.descriptor?.name ?? "-",
                 entry.descriptor.map { $0.capabilities.map(\.rawValue).sorted().joined(separator: ",") } ?? "-",
                 entry.key.map(Self.describe) ?? "-", entry.problem ?? ""]
            },
            empty: "no providers found (plugins are executables named dubkit-provider-<id> in <workspace>/plugins or on PATH)")
    }

    static func describe(_ source: Credentials.Source) -> String {
        switch source {
        case .environment: "from environment"
        case .file: "saved"
        case .missing: "missing"
        case .notNeeded: "not needed"
        }
    }
}
