import DubKit
import DubKitMedia
import DubKitPostgres
import Foundation

/// Writes failures to stderr: one or two lines for people, one JSON object with `--json`.
enum ErrorReport {
    private struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var hint: String?
        }
        var error: Detail
    }

    static func failure(_ error: DubKitError, json: Bool) {
        emit(code: error.code, message: error.errorDescription ?? "\(error)", hint: error.recoverySuggestion, json: json)
    }

    static func failure(code: String, message: String, hint: String?, json: Bool) {
        emit(code: code, message: message, hint: hint, json: json)
    }

    /// A media failure: its message already names the file and the fix, so it is one line.
    static func failure(_ error: MediaError, json: Bool) {
        emit(code: error.code, message: error.errorDescription ?? "\(error)", hint: nil, json: json)
    }

    /// A link that could not be fetched: the message names the link and what to do.
    static func failure(_ error: LinkError, json: Bool) {
        emit(code: error.code, message: error.errorDescription ?? "\(error)", hint: nil, json: json)
    }

    /// Any error: the typed ones with their code and hint, others with their description.
    static func failure(any error: any Error, json: Bool) {
        switch error {
        case let error as DubKitError: failure(error, json: json)
        case let error as ProviderError:
            emit(code: error.code, message: error.localizedDescription, hint: error.recoverySuggestion, json: json)
        case let error as MediaError: failure(error, json: json)
        case let error as LinkError: failure(error, json: json)
        case let error as StoreLocationError:
            emit(code: error.code, message: error.errorDescription ?? "\(error)", hint: error.recoverySuggestion, json: json)
        case let error as PostgresStoreError:
            emit(code: error.code, message: error.errorDescription ?? "\(error)", hint: error.recoverySuggestion, json: json)
        case let error as StoreSupportError:
            emit(code: error.code, message: error.errorDescription ?? "\(error)", hint: error.recoverySuggestion, json: json)
        default: emit(code: "failed", message: error.localizedDescription, hint: nil, json: json)
        }
    }

    /// A problem that does not stop the command (a damaged row left out of the work): one or two
    /// lines on stderr, starting `warning:`.
    static func warning(_ error: DubKitError) {
        var text = "warning: \(error.errorDescription ?? "\(error)")\n"
        if let hint = error.recoverySuggestion { text += "hint: \(hint)\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func usage(_ message: String, json: Bool) {
        emit(code: "usage", message: message.trimmingCharacters(in: .whitespacesAndNewlines), hint: nil, json: json)
    }

    /// A usage error of the command line: what was typed wrong and what to type instead.
    static func usage(_ error: UsageError, json: Bool) {
        emit(code: error.code, message: error.message, hint: error.hint, json: json)
    }

    private static func emit(code: String, message: String, hint: String?, json: Bool) {
        var text: String
        if json {
            let data = (try? JSONOutput.encode(Body(error: .init(code: code, message: message, hint: hint)), pretty: false)) ?? Data()
            text = String(decoding: data, as: UTF8.self) + "\n"
        } else {
            // ArgumentParser's own messages start with "Error: "; they get the same prefix as ours.
            var body = message
            if body.hasPrefix("Error: ") {
                body = String(body.dropFirst("Error: ".count))
                body = body.prefix(1).lowercased() + body.dropFirst()
            }
            text = Terminal.coloured("error:", .red) + " \(body)\n"
            if let hint { text += Terminal.coloured("hint:", .bold) + " \(hint)\n" }
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
