import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// Why a Kits.ai request or step failed; every message names the operation or the field and what to do.
public enum KitsError: ProviderWireError, Equatable {
    /// No key in `KITS_API_KEY` nor saved with `dubkit provider login kits`.
    case missingKey(variable: String)
    /// A value Kits would refuse, caught before any request.
    case invalidValue(field: String, value: String, allowed: String)
    /// The input cannot be sent as `soundFile`: over 100 MB even as FLAC and MP3, or not decodable.
    case soundFile(path: String, detail: String)
    /// 401: the key is wrong or revoked.
    case unauthorized(operation: String, message: String)
    /// 403: the key may not do this (plan, or a model that is not the account's).
    case forbidden(operation: String, message: String)
    /// 404: no such job or voice model.
    case notFound(operation: String, message: String)
    /// 422: Kits refused a field of the request.
    case unprocessable(operation: String, message: String)
    /// 429: too many requests; `retryAfter` is Kits's wait in seconds when it said.
    case rateLimited(operation: String, retryAfter: Double?, message: String)
    /// 5xx: a failure on Kits's side.
    case server(operation: String, status: Int, message: String)
    /// Another status the documentation does not list.
    case unexpected(operation: String, status: Int, message: String)
    /// No answer (refused, dropped, timed out): the request may or may not have been carried out.
    case unreachable(operation: String, detail: String)
    /// An answer that is not what the documentation describes.
    case invalidResponse(operation: String, detail: String)
    /// A local job file that cannot be read or written.
    case jobState(path: String, detail: String)
}

extension KitsError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .missingKey(variable):
            "Kits.ai needs an API key: set \(variable) or run `dubkit provider login kits`"
        case let .invalidValue(field, value, allowed):
            "Kits.ai: \(field) = \(value) is not accepted: allowed \(allowed)"
        case let .soundFile(path, detail):
            "Kits.ai soundFile \(path): \(detail)"
        case let .unauthorized(operation, message):
            "\(operation): Kits.ai refused the API key (401 \(message)); check KITS_API_KEY or log in again with `dubkit provider login kits`"
        case let .forbidden(operation, message):
            "\(operation): Kits.ai forbids this for the account (403 \(message)); check the plan and that the voice model is usable by it"
        case let .notFound(operation, message):
            "\(operation): Kits.ai has no such job or voice model (404 \(message)); list the models with `dubkit voice list --provider kits`"
        case let .unprocessable(operation, message):
            "\(operation): Kits.ai refused the request (422 \(message)); check the voice model id, the sound file and the parameters"
        case let .rateLimited(operation, retryAfter, message):
            "\(operation): Kits.ai is rate limiting (429\(retryAfter.map { ", retry after \(Int($0.rounded(.up))) s" } ?? "")) \(message); POSTs are limited to a few a minute per account"
        case let .server(operation, status, message):
            "\(operation): Kits.ai failed on its side (\(status) \(message)); try again later"
        case let .unexpected(operation, status, message):
            "\(operation): Kits.ai answered \(status) \(message)"
        case let .unreachable(operation, detail):
            "\(operation): no answer from Kits.ai: \(detail)"
        case let .invalidResponse(operation, detail):
            "\(operation): Kits.ai's answer is not as documented: \(detail)"
        case let .jobState(path, detail):
            "Kits.ai job file \(path): \(detail)"
        }
    }

    /// The error as the core sees it, keeping the HTTP status and a code per case.
    public var providerError: ProviderError {
        let id = KitsDescriptor.id
        let message = errorDescription ?? "\(self)"
        return switch self {
        case let .missingKey(variable): .missingKey(provider: id, variable: variable)
        case let .invalidValue(field, value, allowed): .invalidParameter(provider: id, field: field, value: value, allowed: allowed)
        case .soundFile: .remote(provider: id, status: nil, code: "sound_file", message: message)
        case .unauthorized: .remote(provider: id, status: 401, code: "unauthorized", message: message)
        case .forbidden: .remote(provider: id, status: 403, code: "forbidden", message: message)
        case .notFound: .remote(provider: id, status: 404, code: "not_found", message: message)
        case .unprocessable: .remote(provider: id, status: 422, code: "unprocessable_entity", message: message)
        case let .rateLimited(_, retryAfter, _): .rateLimited(provider: id, retryAfter: retryAfter, message: message)
        case let .server(_, status, _): .remote(provider: id, status: status, code: "server_error", message: message)
        case let .unexpected(_, status, _): .remote(provider: id, status: status, code: "http_\(status)", message: message)
        case .unreachable: .unreachable(provider: id, detail: message)
        case .invalidResponse: .remote(provider: id, status: nil, code: "invalid_response", message: message)
        case .jobState: .remote(provider: id, status: nil, code: "job_state", message: message)
        }
    }
}

extension KitsError: AdapterError {
    /// Kits reports every request without a readable answer as unreachable: the adapter looks a lost
    /// POST up among the account's conversions either way.
    public static func answerLost(operation: String, detail: String) -> KitsError {
        .unreachable(operation: operation, detail: detail)
    }

    public var isAnswerLost: Bool { false }

    /// The typed error for a status other than 2xx, the start of its body and its `Retry-After`.
    public static func refusal(_ response: HTTPResponse, operation: String) -> KitsError {
        let message = summary(bodyMessage(response.text), limit: 200)
        switch response.status {
        case 401: return .unauthorized(operation: operation, message: message)
        case 403: return .forbidden(operation: operation, message: message)
        case 404: return .notFound(operation: operation, message: message)
        case 422: return .unprocessable(operation: operation, message: message)
        case 429: return .rateLimited(operation: operation, retryAfter: response.retryAfter, message: message)
        case 500..<600: return .server(operation: operation, status: response.status, message: message)
        default: return .unexpected(operation: operation, status: response.status, message: message)
        }
    }

    /// What a body says: the `errors` (`field: message`) or `message` of a JSON body, else the text as it is.
    private static func bodyMessage(_ body: String) -> String {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return body }
        if let errors = object["errors"] as? [[String: Any]], !errors.isEmpty {
            return errors.map { error in
                [error["field"] as? String, error["message"] as? String].compactMap { $0 }.joined(separator: ": ")
            }.joined(separator: "; ")
        }
        return (object["message"] as? String) ?? (object["error"] as? String) ?? body
    }
}
