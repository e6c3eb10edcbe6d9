import ArgumentParser

/// `dubkit`: the root command.
struct DubKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dubkit",
        abstract: "Run dubbing work on your own machine: projects, voices, datasets and dubs.",
        discussion: """
            Projects live in a workspace folder: --workspace DIR, else $DUBKIT_WORKSPACE,
            else ./projects. Every command takes the global options --workspace DIR,
            --json (JSON on stdout, errors as JSON on stderr) and --verbose, before or
            after the command's name. Exit codes: 0 success, 1 failure, 2 bad usage.

            Examples:
              dubkit project create demo
              dubkit project list --json
              dubkit dataset create --project demo narrator
              dubkit dub list --project demo --status error
              dubkit media extract talk.mp4 -o talk.wav --rate 16000 --mono
            """,
        subcommands: [ConvertCommand.self, ExportCommand.self, ReviewCommand.self, ProjectCommand.self, DubCommand.self, VoiceCommand.self, DatasetCommand.self, ProviderCommand.self,
                      MediaCommand.self]
    )
}
