import ArgumentParser
import DubKit
import Foundation
import LocalEngine

/// Shell completion of names kept in the store (`dubkit --generate-completion-script bash|zsh|fish`):
/// project names, voices and dub ids of the project named on the line being completed. The shell runs
/// `dubkit` to ask; nothing is written, and a store that cannot be read completes nothing.
enum Completions {
    /// The projects of the workspace named on the line (`--workspace`, else $DUBKIT_WORKSPACE, else ./projects).
    static let projects = CompletionKind.custom { words, _, prefix in
        matching(prefix, (try? workspace(words).projectNames()) ?? [])
    }

    /// Voices as PROVIDER:VOICE: the local engine's built-in ones and the voices of the project on the line.
    static let voices = CompletionKind.custom { words, _, prefix in
        let builtIn = BuiltInVoices.names.map { "local:\($0)" }
        let trained = (try? store(words)?.voices().map(\.reference)) ?? []
        return matching(prefix, builtIn + trained)
    }

    /// The names of the voices of the project on the line.
    static let voiceNames = CompletionKind.custom { words, _, prefix in
        matching(prefix, (try? store(words)?.voices().map(\.name)) ?? [])
    }

    /// The ids of the dubs of the project on the line.
    static let dubIDs = CompletionKind.custom { words, _, prefix in
        matching(prefix, (try? store(words)?.dubs().compactMap { $0.id.map(String.init) }) ?? [])
    }

    /// The names of the datasets of the project on the line.
    static let datasets = CompletionKind.custom { words, _, prefix in
        matching(prefix, (try? store(words)?.datasets().map(\.name)) ?? [])
    }

    private static func matching(_ prefix: String, _ names: [String]) -> [String] {
        names.filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// The value of `--name VALUE` or `--name=VALUE` on the line, the last one given.
    static func value(of name: String, in words: [String]) -> String? {
        var found: String?
        for (index, word) in words.enumerated() {
            if word == name, index + 1 < words.count {
                found = words[index + 1]
            } else if word.hasPrefix(name + "=") {
                found = String(word.dropFirst(name.count + 1))
            }
        }
        return found
    }

    private static func workspace(_ words: [String]) -> Workspace {
        Workspace.resolve(explicit: value(of: "--workspace", in: words))
    }

    /// The project named by `--project` on the line (`convert`'s default, `default`, when the line is a
    /// `convert` without one), if it exists.
    private static func store(_ words: [String]) throws -> ProjectStore? {
        let workspace = workspace(words)
        guard let name = value(of: "--project", in: words) ?? (words.contains("convert") ? "default" : nil),
              try workspace.projectNames().contains(name) else { return nil }
        return try workspace.openProject(name)
    }
}
