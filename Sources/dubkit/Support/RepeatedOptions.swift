import ArgumentParser
import Foundation

/// Refuses an option that takes one value when it is given more than once (`--file a.wav --file
/// b.mp4`): ArgumentParser would keep the last and drop the first without a word. Options that
/// collect values (`--language spa --language fra`) may repeat.
enum RepeatedOptions {
    /// Checks `words`, the words after the command's name, against `command`'s options.
    static func check(_ words: [String], of command: any ParsableCommand.Type) throws {
        // Only a line with two options or more can repeat one; the command's description is read then.
        guard words.filter({ $0.hasPrefix("-") && $0.count > 1 }).count >= 2,
              let options = try? JSONDecoder().decode(ToolInfo.self, from: Data(command._dumpHelp().utf8)).command.arguments
        else { return }
        var values: [Int: [String]] = [:]
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-"), word.count > 1 else { continue }
            let spelled = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            guard let found = options.firstIndex(where: { $0.kind == "option" && $0.matches(spelled) }) else { continue }
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

    /// The part of ArgumentParser's tool description (`--experimental-dump-help`) read here.
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

            func matches(_ word: String) -> Bool {
                names?.contains { $0.spelled == word } ?? false
            }

            var displayName: String {
                (names?.first { $0.kind == "long" } ?? preferredName ?? names?.first)?.spelled ?? "?"
            }
        }

        var command: Command
    }
}
