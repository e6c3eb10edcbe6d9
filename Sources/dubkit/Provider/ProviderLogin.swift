import ArgumentParser
import DubKit
import Foundation

/// `dubkit provider login ID`: saves an API key, read from stdin, in the 0600 credentials file.
struct ProviderLogin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Save a provider's API key (read from stdin, never echoed) in the user's credentials file.",
        discussion: """
            Examples:
              dubkit provider login voicedub
              printf '%s\\n' "$VOICEDUB_API_KEY" | dubkit provider login voicedub
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The provider's id.", valueName: "provider"))
    var id: String

    func run() async throws {
        let provider = try await Registry.make(global).provider(id)
        guard provider.descriptor.keyVariable != nil else {
            throw ValidationError("provider \(id) needs no API key")
        }
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive {
            FileHandle.standardError.write(Data("API key for \(provider.descriptor.name): ".utf8))
        }
        let key = Self.readSecret(echo: !interactive)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !key.isEmpty else { throw UsageError.noKeyRead(provider: id, variable: provider.descriptor.keyVariable) }
        let credentials = Credentials()
        try credentials.save(key: key, for: id)
        if global.json {
            try Output.json(["provider": id, "saved": credentials.file.path])
        } else {
            print("saved the key for \(id) in \(credentials.file.path) (mode 0600)")
        }
    }

    /// One line from stdin, with terminal echo off when it is a terminal.
    static func readSecret(echo: Bool) -> String? {
        guard !echo else { return readLine() }
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine()
    }
}
