import ArgumentParser
import DubKit
import Foundation

/// `--yes`, and the question a delete asks without it: on a terminal the user types what the question
/// asks for; off a terminal there is no one to ask, so the delete is refused (exit 2) until `--yes` is given.
struct ConfirmOption: ParsableArguments {
    @Flag(name: [.customShort("y"), .long], help: "Delete without asking (required when stdin is not a terminal).")
    var yes = false

    /// Returns when the delete of `subject` may go ahead: `--yes`, or on a terminal an answer that is one
    /// of `answers`, or `y`/`yes` when `acceptsYes`. Throws ``UsageError/confirmationNeeded(subject:)``
    /// off a terminal and ``UsageError/notConfirmed(subject:)`` for any other answer.
    func confirm(_ subject: String, question: String, answers: [String], acceptsYes: Bool = true) throws(UsageError) {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else { throw .confirmationNeeded(subject: subject) }
        FileHandle.standardError.write(Data((question + " ").utf8))
        let reply = (readLine() ?? "").trimmingCharacters(in: .whitespaces)
        let agreed = answers.contains(reply) || (acceptsYes && ["y", "yes"].contains(reply.lowercased()))
        guard agreed else { throw .notConfirmed(subject: subject) }
    }

    /// The flow every delete command shares: ``confirm(_:question:answers:acceptsYes:)``, then `remove`,
    /// then what it removed: the ``Deletion`` as JSON with `--json`, else its one-line summary.
    func delete(_ subject: String, question: String, answers: [String], acceptsYes: Bool = true, json: Bool,
                _ remove: () throws -> Deletion) throws {
        try confirm(subject, question: question, answers: answers, acceptsYes: acceptsYes)
        let deletion = try remove()
        if json { try Output.json(deletion) } else { print(deletion.summary) }
    }
}
