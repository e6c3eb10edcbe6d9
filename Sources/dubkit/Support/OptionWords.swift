import ArgumentParser
import DubKit
import Foundation

/// The options typed for a command, checked against those it takes (from ArgumentParser's own
/// description of it, `--experimental-dump-help`) before it is parsed:
/// - an option it does not take is refused with the nearest names it does (ArgumentParser would run
///   the command's validation first, and answer `--voise` with "give --voice or --reference");
/// - an option that takes one value, given more than once (`--file a.wav --file b.mp4`), is refused:
///   ArgumentParser would keep the last and drop the first without a word. Options that collect values
///   (`--language spa --language fra`) may repeat.
enum OptionWords {
    /// Checks `words`, the words after the command's name (up to `--`), against `command`'s options.
    static func check(_ words: [String], of command: any ParsableCommand.Type, named name: String) throws {
        guard words.contains(where: isOption),
              let options = try? JSONDecoder().decode(ToolInfo.self, from: Data(command._dumpHelp().utf8)).command.arguments
        else { return }
        var values: [Int: [String]] = [:]
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard isOption(word) else { continue }
            let spelled = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            guard let found = options.firstIndex(where: { $0.matches(spelled) }) else {
                let known = options.filter { $0.kind != "positional" }.flatMap { $0.spellings }.filter { $0.hasPrefix("--") }
                throw UsageError.unknownOption(word: spelled, command: name, suggestions: NearestNames.to(spelled, among: known))
            }
            guard options[found].kind == "option" else { continue }
            if spelled.count < word.count {
                values[found, default: []].append(String(word.dropFirst(spelled.count + 1)))
            } else if index < words.count {
                values[found, default: []].append(words[index])
                index += 1
            }
        }
        for (found, given) in values.sorted(by: { $0.key < $1.key }) where given.count > 1 && !options[found].isRepeating {
            throw UsageError.repeatedOption(name: options[found].displayName, values: given)
        }
    }

    /// `-o`, `--file`, `--file=a.wav`; not `-`, and not a negative number (a value such as `-3`).
    private static func isOption(_ word: String) -> Bool {
        word.hasPrefix("-") && word.count > 1 && Double(word) == nil
    }

    /// The part of ArgumentParser's tool description read here.
    private struct ToolInfo: Decodable {
        struct Command: Decodable {
            var arguments: [Argument]?
        }

        struct Argument: Decodable {
            struct Name: Decodable {
                var kind: String
                var name: String

                var spelled: String { kind == "long" ? "--" + name : "-" + name }
            }

            var kind: String
            var isRepeating: Bool
            var names: [Name]?
            var preferredName: Name?

            var spellings: [String] { names?.map(\.spelled) ?? [] }

            func matches(_ word: String) -> Bool {
                kind != "positional" && spellings.contains(word)
            }

            var displayName: String {
                (names?.first { $0.kind == "long" } ?? preferredName ?? names?.first)?.spelled ?? "?"
            }
        }

        var command: Command
    }
}
