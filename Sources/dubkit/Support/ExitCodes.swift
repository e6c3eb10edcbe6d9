import ArgumentParser
import DubKit
import DubKitMedia
import DubKitPostgres
import Foundation

/// The one place an error meets its exit code: 0 done (help, `--version`), 1 the work failed, 2 bad
/// usage or input.
enum ExitCodes {
    /// Reports `error` on stderr (one line for people, one JSON object with `--json`) and returns the
    /// code the command exits with.
    static func report(_ error: any Error, json: Bool) -> Int32 {
        switch error {
        case let error as UsageError:
            ErrorReport.usage(error, json: json)
            return 2
        case let error as ValidationError:
            ErrorReport.usage(error.message, json: json)
            return 2
        case is DubKitError, is ProviderError, is MediaError, is LinkError, is StoreLocationError, is PostgresStoreError,
             is StoreSupportError:
            ErrorReport.failure(any: error, json: json)
            return code(of: error) ?? 1
        default:
            // ArgumentParser's own ends (`ExitCode.failure`, help asked for at run time).
            let code = DubKitCommand.exitCode(for: error)
            let message = DubKitCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if !message.isEmpty { ErrorReport.usage(message, json: json) }
            return code.rawValue == 64 ? 2 : 1
        }
    }

    /// The exit code of DubKit's typed errors; nil for any other error.
    static func code(of error: any Error) -> Int32? {
        switch error {
        case let error as DubKitError: error.exitCode
        case let error as ProviderError: error.exitCode
        case is MediaError: 1
        case let error as LinkError: error.isUsageError ? 2 : 1
        case is StoreLocationError, is StoreSupportError: 2
        case let error as PostgresStoreError: error.code == "invalid_field" ? 2 : 1
        default: nil
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
