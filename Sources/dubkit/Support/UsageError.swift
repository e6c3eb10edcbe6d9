/// A mistake in how the command line was typed, found before anything runs: exit 2, with the names
/// that were probably meant or what to type instead.
enum UsageError: Error, Equatable {
    /// `word` is not a subcommand of `command` (e.g. `dubkit projet`); `suggestions` are the nearest names.
    case unknownCommand(word: String, command: String, suggestions: [String], known: [String])
    /// An option `command` does not take, with the nearest ones it does.
    case unknownOption(word: String, command: String, suggestions: [String])
    /// An option that takes one value was given more than once.
    case repeatedOption(name: String, values: [String])
    /// An output that exists would be replaced; `--force` replaces it.
    case outputExists(path: String, option: String)
    /// `provider login` read nothing from stdin.
    case noKeyRead(provider: String, variable: String?)
    /// A delete asked for off a terminal (nothing to ask) without `--yes`.
    case confirmationNeeded(subject: String)
    /// A delete asked about on a terminal and not confirmed.
    case notConfirmed(subject: String)

    /// The stable code of the error (`--json`'s `error.code`).
    var code: String {
        switch self {
        case .unknownCommand: "unknown_command"
        case .unknownOption: "unknown_option"
        case .repeatedOption: "repeated_option"
        case .outputExists: "output_exists"
        case .noKeyRead: "no_key_read"
        case .confirmationNeeded: "confirmation_needed"
        case .notConfirmed: "not_confirmed"
        }
    }

    /// One line saying what is wrong.
    var message: String {
        switch self {
        case let .unknownCommand(word, command, suggestions, _):
            "'\(word)' is not a command of '\(command)'" + Self.didYouMean(suggestions)
        case let .unknownOption(word, command, suggestions):
            "unknown option '\(word)' for '\(command)'" + Self.didYouMean(suggestions)
        case let .repeatedOption(name, values):
            "\(name) takes one value but was given \(values.count): \(values.map { "'\($0)'" }.joined(separator: ", "))"
        case let .outputExists(path, option):
            "\(path) already exists (\(option)); add --force to replace it"
        case let .noKeyRead(provider, _):
            "no key was read for \(provider): stdin was empty"
        case let .confirmationNeeded(subject):
            "refusing to delete \(subject) without --yes: stdin is not a terminal, so there is no one to ask"
        case let .notConfirmed(subject):
            "not confirmed; \(subject) kept"
        }
    }

    /// What to do next.
    var hint: String? {
        switch self {
        case let .unknownCommand(_, command, _, known):
            "the commands of '\(command)' are \(known.joined(separator: ", ")); see '\(command) --help'"
        case let .unknownOption(_, command, _):
            "see '\(command) --help' for its options"
        case let .repeatedOption(name, _):
            "give \(name) once"
        case .outputExists:
            "choose another output, or add --force"
        case let .noKeyRead(provider, variable):
            "type the key when asked, or pipe it in: printf '%s\\n' \"$KEY\" | dubkit provider login \(provider)"
                + (variable.map { " (or set \($0) instead of saving a key)" } ?? "")
        case .confirmationNeeded:
            "pass --yes to delete it without asking"
        case .notConfirmed:
            "answer with what the question asks for, or pass --yes"
        }
    }

    private static func didYouMean(_ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let quoted = names.map { "'\($0)'" }
        let list = quoted.count == 1 ? quoted[0] : quoted.dropLast().joined(separator: ", ") + " or " + (quoted.last ?? "")
        return "; did you mean \(list)?"
    }
}
