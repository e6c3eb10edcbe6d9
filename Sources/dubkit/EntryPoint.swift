import ArgumentParser
import DubKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// Runs the command line: reads the words against the command tree (``Invocation``), parses, runs, and
/// turns every failure into one line on stderr and an exit code (0 done, 1 the work failed, 2 bad usage
/// or input).
@main
enum EntryPoint {
    static func main() async {
        let words = Array(CommandLine.arguments.dropFirst())
        let invocation: Invocation
        do {
            invocation = try Invocation.read(words)
        } catch let error as UsageError {
            ErrorReport.usage(error, json: words.contains("--json"))
            exit(2)
        } catch {
            ErrorReport.failure(any: error, json: words.contains("--json"))
            exit(2)
        }
        let wantsJSON = invocation.json
        Terminal.setQuiet(invocation.quiet)
        let command: any ParsableCommand
        do {
            command = try DubKitCommand.parseAsRoot(invocation.arguments)
        } catch {
            let code = DubKitCommand.exitCode(for: error)
            if code == .success {
                print(DubKitCommand.fullMessage(for: error))
                exit(0)
            }
            ErrorReport.usage(DubKitCommand.fullMessage(for: error), json: wantsJSON)
            exit(2)
        }
        if let problem = NetworkBounds.current.problems.first {
            ErrorReport.usage(problem + "; set it to a number of seconds, or unset it", json: wantsJSON)
            exit(2)
        }
        do {
            try StoreSupport.check(invocation)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
        } catch {
            exit(ExitCodes.report(error, json: wantsJSON))
        }
    }
}
