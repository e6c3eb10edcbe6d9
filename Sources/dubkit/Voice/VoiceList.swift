import ArgumentParser
import DubKit

/// `dubkit voice list`: a project's voices, or a provider's catalog.
struct VoiceList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a project's voices (--project), or search a provider's catalog (--provider without --project).",
        discussion: """
            Examples:
              dubkit voice list --project films
              dubkit voice list --provider voicedub --search calm --language en
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("List this project's voices.", valueName: "project"), completion: Completions.projects)
    var project: String?

    @Option(help: ArgumentHelp("Only this provider's voices; without --project, its catalog.", valueName: "provider"))
    var provider: String?

    @Option(help: ArgumentHelp("Catalog search text.", valueName: "text"))
    var search: String?

    @Option(name: .customLong("language"), help: ArgumentHelp("Catalog filter; repeat for any of several.", valueName: "language"))
    var languages: [String] = []

    @Option(name: .customLong("genre"), help: ArgumentHelp("Catalog filter; repeat for any of several.", valueName: "genre"))
    var genres: [String] = []

    @Option(name: .customLong("style"), help: ArgumentHelp("Catalog filter; repeat for any of several.", valueName: "style"))
    var styles: [String] = []

    @Option(help: ArgumentHelp("Catalog page size.", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("Catalog page to start from, as printed after a page.", valueName: "cursor"))
    var cursor: String?

    @Flag(help: "Follow the catalog's pages to the end.")
    var all = false

    func validate() throws {
        guard project != nil || provider != nil else {
            throw ValidationError("give --project P for a project's voices, or --provider ID for a provider's catalog")
        }
        let catalogOnly = search != nil || !languages.isEmpty || !genres.isEmpty || !styles.isEmpty || limit != nil || cursor != nil || all
        if project != nil && catalogOnly {
            throw ValidationError("--search, --language, --genre, --style, --limit, --cursor and --all search a catalog: drop --project")
        }
        if all && cursor != nil { throw ValidationError("give --cursor or --all, not both") }
    }

    func run() async throws {
        if let project {
            try await listProject(project)
        } else if let provider {
            try await listCatalog(provider)
        }
    }

    /// One line of a project's listing: a voice, or a row or model that is damaged.
    private enum Entry: Encodable {
        case voice(Voice)
        case damaged(DamagedRecord, name: String?, project: String)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case let .voice(voice): try voice.encode(to: encoder)
            case let .damaged(record, name, project): try DamagedRecord.Listed(record, project: project, name: name).encode(to: encoder)
            }
        }
    }

    private func listProject(_ project: String) async throws {
        let (voices, unreadable) = try global.open(project).voiceListing(provider: provider)
        // The compiled-in providers that keep models here (the local engine) say which models they cannot use.
        let registry = Registry.make(global)
        var checkers: [String: any VoiceModelChecking] = [:]
        for id in Set(voices.filter { $0.modelData != nil }.map(\.providerID)) where registry.builtInIDs.contains(id) {
            checkers[id] = try? await registry.provider(id) as? any VoiceModelChecking
        }
        let entries: [Entry] = voices.map { voice in
            voice.modelDamage(checkedBy: checkers[voice.providerID])
                .map { .damaged($0, name: voice.reference, project: project) } ?? .voice(voice)
        } + unreadable.map { .damaged($0, name: nil, project: project) }
        if global.json {
            try Output.json(entries)
            return
        }
        Output.table(
            ["VOICE", "STATUS", "PROVIDER ID", "LANGUAGES", "CREDITS", "UPDATED"],
            entries.map { entry in
                switch entry {
                case let .voice(voice):
                    return [voice.reference, voice.status.rawValue, Output.optional(voice.providerVoiceID),
                            voice.languages.joined(separator: ","), String(voice.creditsUsed), Output.time(voice.updatedAt)]
                case let .damaged(record, name, project):
                    ErrorReport.warning(record.error(project: project))
                    return [name ?? "voice \(record.id)", "damaged", "-", "\(record.field) is \(record.value)", "-", "-"]
                }
            },
            empty: "no voices in project \(project)")
    }

    private func listCatalog(_ id: String) async throws {
        let provider = try await Registry.make(global).provider(id)
        var query = VoiceQuery(search: search, languages: languages, genres: genres, styles: styles, limit: limit, cursor: cursor)
        var voices: [ProviderVoice] = []
        var next: String?
        repeat {
            let page = try await provider.voices(query)
            voices += page.voices
            next = page.nextCursor
            query.cursor = next
        } while all && next != nil
        if global.json {
            try Output.json(VoicePage(voices: voices, nextCursor: next))
            return
        }
        Output.table(
            ["VOICE", "NAME", "LANGUAGES", "STYLES"],
            voices.map { ["\(id):\($0.id)", $0.name, $0.languages.joined(separator: ","), $0.styles.joined(separator: ",")] },
            empty: "no voices match")
        if let next { print("more: --cursor \(next)") }
    }
}
