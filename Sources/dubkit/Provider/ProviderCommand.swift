import ArgumentParser

/// `dubkit provider`: the providers and plugins, their keys and accounts.
struct ProviderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider",
        abstract: "List providers and plugins, save API keys, check accounts.",
        discussion: """
            Examples:
              dubkit provider list
              dubkit provider login voicedub
            """,
        subcommands: [ProviderList.self, ProviderCheck.self, ProviderLogin.self]
    )
}
