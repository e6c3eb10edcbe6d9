import ArgumentParser
import DubKit

/// `dubkit provider list`.
struct ProviderList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the providers: capabilities, billing, and whether a key is configured (never the key).",
        discussion: """
            Plugins are described from a cache while their file is unchanged, so listing runs only new or
            changed plugins. A plugin that others could change is listed with the reason and never run.

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
        var refusal: Refusal?
    }

    /// Why a plugin is not run: the file or folder at fault, the reason in a few words, and the fix.
    struct Refusal: Encodable {
        var plugin: String
        var target: String?
        var path: String
        var reason: String
        var fix: String

        init(_ refusal: PluginRefusal) {
            plugin = refusal.plugin
            target = refusal.target
            path = refusal.path
            reason = refusal.reasonText
            fix = refusal.fix
        }
    }

    func run() async throws {
        let credentials = Credentials()
        let registry = Registry.make(global)
        if let problem = global.resolvedWorkspace.oldPluginFolderProblem() {
            global.warn([problem.localizedDescription, problem.recoverySuggestion].compactMap { $0 }.joined(separator: "; "))
        }
        let entries = await registry.describeAll().map { id, result in
            switch result {
            case let .success(descriptor):
                do {
                    return Entry(id: id, descriptor: descriptor, key: try credentials.source(for: descriptor))
                } catch {
                    return Entry(id: id, descriptor: descriptor, problem: error.localizedDescription)
                }
            case let .failure(.untrustedPlugin(refusal)):
                return Entry(id: id, problem: "not run: \(refusal.path) is \(refusal.reasonText); \(refusal.fix)",
                             refusal: Refusal(refusal))
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
            empty: "no providers found (plugins are executables named dubkit-provider-<id> in <workspace>/.plugins or on PATH)")
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
