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
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
        } catch let error as UsageError {
            ErrorReport.usage(error, json: wantsJSON)
            exit(2)
        } catch let error as DubKitError {
            ErrorReport.failure(error, json: wantsJSON)
            exit(error.exitCode)
        } catch let error as ProviderError {
            ErrorReport.failure(code: error.code, message: error.localizedDescription, hint: error.recoverySuggestion, json: wantsJSON)
            exit(error.exitCode)
        } catch let error as MediaError {
            ErrorReport.failure(error, json: wantsJSON)
            exit(1)
        } catch let error as LinkError {
            ErrorReport.failure(error, json: wantsJSON)
            exit(error.isUsageError ? 2 : 1)
        } catch let error as ValidationError {
            ErrorReport.usage(error.message, json: wantsJSON)
            exit(2)
        } catch {
            let code = DubKitCommand.exitCode(for: error)
            let message = DubKitCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            if !message.isEmpty { ErrorReport.usage(message, json: wantsJSON) }
            exit(code.rawValue == 64 ? 2 : 1)
        }
    }
}

extension ProviderError {
    /// A value refused before any request is a usage error (2); everything else a failure (1).
    var exitCode: Int32 {
        switch self {
        case .invalidParameter, .unknownProvider: 2
        default: 1
        }
    }
}

extension DubKitError {
    /// Bad input the user can fix by retyping is a usage error (2); everything else a failure (1).
    var exitCode: Int32 {
        switch self {
        case .invalidProjectName, .invalidField, .unusableInput, .unusableOutput, .unknownVoice, .notOffered, .sliceOutside: 2
        default: 1
        }
    }
}
