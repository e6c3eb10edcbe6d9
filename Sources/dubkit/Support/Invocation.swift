import ArgumentParser
import DubKit
import Foundation

/// The words a user typed, read against the command tree before ArgumentParser parses them:
/// - global options (`--json`, `--workspace DIR`, `--store URL`, `-v`/`--verbose`, `-q`/`--quiet`) are taken from
///   wherever they stand (before the command's name, between its words or after it) and handed to the
///   command that reads them;
/// - a word that is not a command of its group is refused with the nearest names (`dubkit projet` →
///   did you mean 'project'?), as are options a group does not take;
/// - the command's own options are checked (``OptionWords``): unknown ones answered with the nearest
///   names, a single-value one given twice refused.
struct Invocation {
    /// The commands named, from the root (`dubkit`, `dub`, `run`).
    var path: [any ParsableCommand.Type]
    /// The words to hand ArgumentParser.
    var arguments: [String]
    /// The global options found, as typed.
    var globals: [String]

    /// True when `--json` was given anywhere.
    var json: Bool { globals.contains("--json") }
    /// True when `-q`/`--quiet` was given anywhere.
    var quiet: Bool { globals.contains("-q") || globals.contains("--quiet") }
    /// The `--store` given, if any.
    var store: String? {
        guard let index = globals.firstIndex(of: "--store"), index + 1 < globals.count else { return nil }
        return globals[index + 1]
    }

    /// Flags every command takes, by every name they have.
    static let globalFlags: Set<String> = ["--json", "--verbose", "-v", "--quiet", "-q"]
    /// Options that are ArgumentParser's own, on the root or on any group.
    private static let builtIn: Set<String> = ["-h", "--help", "-help"]
    /// Words that make ArgumentParser do something of its own with the whole line (completions, the
    /// tool description); such a line is handed over untouched.
    private static let passThrough: Set<String> = ["--generate-completion-script", "--experimental-dump-help"]

    /// Reads `words` (the arguments after the program's name).
    static func read(_ words: [String], root: any ParsableCommand.Type = DubKitCommand.self) throws -> Invocation {
        if let first = words.first, first.hasPrefix("---") || words.contains(where: { passThrough.contains($0.split(separator: "=").first.map(String.init) ?? $0) }) {
            return Invocation(path: [root], arguments: words, globals: [])
        }
        var path: [any ParsableCommand.Type] = [root]
        var rest: [String] = []
        var globals: [String] = []
        var workspaces: [String] = []
        var stores: [String] = []
        /// Where the command's own words start in `rest` (after the last command name).
        var commandEnd = 0
        var naming = true
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" {
                rest.append(contentsOf: words[index...])
                break
            }
            if globalFlags.contains(word) {
                if !globals.contains(word) { globals.append(word) }
            } else if word == "--workspace", index + 1 < words.count {
                workspaces.append(words[index + 1])
                index += 1
            } else if word == "--workspace" {
                rest.append(word) // no value: ArgumentParser says so
            } else if word.hasPrefix("--workspace=") {
                workspaces.append(String(word.dropFirst("--workspace=".count)))
            } else if word == "--store", index + 1 < words.count {
                stores.append(words[index + 1])
                index += 1
            } else if word == "--store" {
                rest.append(word) // no value: ArgumentParser says so
            } else if word.hasPrefix("--store=") {
                stores.append(String(word.dropFirst("--store=".count)))
            } else if naming, let command = path.last, !subcommands(of: command).isEmpty {
                if word.hasPrefix("-") {
                    // Before a command's name only global options and ArgumentParser's own belong.
                    if !builtIn.contains(word) && !(path.count == 1 && word == "--version") {
                        let known = (path.count == 1 ? ["--version"] : []) + ["--help", "--json", "--workspace", "--store", "--verbose", "--quiet"]
                        throw UsageError.unknownOption(word: word, command: name(of: path), suggestions: NearestNames.to(word, among: known))
                    }
                    rest.append(word)
                } else if word == "help" {
                    // ArgumentParser's `help` subcommand reads the rest itself.
                    naming = false
                    rest.append(word)
                } else if let next = subcommand(named: word, of: command) {
                    path.append(next)
                    rest.append(word)
                    commandEnd = rest.count
                } else if hasDefault(command) {
                    naming = false
                    rest.append(word)
                } else {
                    let names = shownNames(of: command)
                    throw UsageError.unknownCommand(word: word, command: name(of: path), suggestions: NearestNames.to(word, among: names),
                                          known: names)
                }
            } else {
                naming = false
                rest.append(word)
            }
            index += 1
        }
        if workspaces.count > 1 { throw UsageError.repeatedOption(name: "--workspace", values: workspaces) }
        globals += workspaces.flatMap { ["--workspace", $0] }
        // A store's URL may hold its password: never echoed.
        if stores.count > 1 { throw UsageError.repeatedOption(name: "--store", values: stores.map(StoreLocation.redacted)) }
        globals += stores.flatMap { ["--store", $0] }
        // A group or the root alone shows its help; it takes no global options, so they are dropped.
        if let command = path.last, subcommands(of: command).isEmpty {
            rest.insert(contentsOf: globals, at: commandEnd)
        }
        let invocation = Invocation(path: path, arguments: rest, globals: globals)
        if let leaf = path.last, subcommands(of: leaf).isEmpty, path.count > 1 {
            try OptionWords.check(Array(rest[commandEnd...].prefix { $0 != "--" }), of: leaf, named: name(of: path))
        }
        return invocation
    }

    /// `dubkit dub run`: the commands named so far.
    static func name(of path: [any ParsableCommand.Type]) -> String {
        path.map { commandName($0) }.joined(separator: " ")
    }

    // Static members are read through these generic functions, not on the existential metatype
    // itself (Swift 6.3's SIL generation crashes on the latter inside `read`).
    static func subcommands<C: ParsableCommand>(of command: C.Type) -> [any ParsableCommand.Type] {
        command.configuration.subcommands
    }

    static func commandName<C: ParsableCommand>(_ command: C.Type) -> String {
        command._commandName
    }

    private static func hasDefault<C: ParsableCommand>(_ command: C.Type) -> Bool {
        command.configuration.defaultSubcommand != nil
    }

    private static func shownNames<C: ParsableCommand>(of command: C.Type) -> [String] {
        subcommands(of: command).filter { shown($0) }.map { commandName($0) }
    }

    private static func shown<C: ParsableCommand>(_ command: C.Type) -> Bool {
        command.configuration.shouldDisplay
    }

    private static func subcommand<C: ParsableCommand>(named word: String, of command: C.Type) -> (any ParsableCommand.Type)? {
        subcommands(of: command).first { commandName($0) == word || aliases($0).contains(word) }
    }

    private static func aliases<C: ParsableCommand>(_ command: C.Type) -> [String] {
        command.configuration.aliases
    }
}
