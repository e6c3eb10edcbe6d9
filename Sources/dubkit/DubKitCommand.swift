import ArgumentParser

/// `dubkit`: the root command.
struct DubKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dubkit",
        abstract: "Run dubbing work on your own machine: projects, voices, datasets and dubs.",
        discussion: """
            Projects live in a workspace folder: --workspace DIR, else $DUBKIT_WORKSPACE, \
            else ./projects. Every command takes the global options --workspace DIR, \
            --json (JSON on stdout, errors as JSON on stderr), -v/--verbose and -q/--quiet, \
            before or after the command's name. An output that exists is replaced only with \
            --force. Colour is used on a terminal only, never with NO_COLOR set.

            Exit codes: 0 done, 1 the work failed, 2 bad usage or input.

            Examples:
              dubkit convert talk.mp4 -o talk-dubbed.mp4 --voice local:bright
              dubkit project create demo
              dubkit --json project list
              dubkit dub list --project demo --status error
              dubkit media extract talk.mp4 -o talk.wav --rate 16000 --mono
              dubkit --generate-completion-script zsh > ~/.zfunc/_dubkit
            """,
        version: DubKitVersion.text,
        subcommands: [ConvertCommand.self, ExportCommand.self, ReviewCommand.self, ProjectCommand.self, DubCommand.self, VoiceCommand.self, DatasetCommand.self, ProviderCommand.self,
                      MediaCommand.self]
    )
}
