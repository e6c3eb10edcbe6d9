import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// Why a voice-convert request or step failed; every message names the operation or the field and what to do.
public enum VoiceConvertError: ProviderWireError, Equatable {
    /// No key in `VOICECONVERT_API_KEY` nor saved with `dubkit provider login voiceconvert`.
    case missingKey(variable: String)
    /// A value the service would refuse, caught before any request.
    case invalidValue(field: String, value: String, allowed: String)
    /// The service takes audio only by URL, and this audio has none (no link, no publish folder).
    case needsURL(field: String, value: String)
    /// A file could not be copied into the publish folder.
    case publish(path: String, detail: String)
    /// 401 `missing_api_key` or `invalid_api_key`.
    case unauthorized(operation: String, code: String, message: String)
    /// 402: not enough credits for the task.
    case insufficientCredits(operation: String, message: String)
    /// 404: no such task.
    case notFound(operation: String, message: String)
    /// 400 or 422: the service refused a field of the request.
    case rejected(operation: String, status: Int, code: String, message: String)
    /// 429; `retryAfter` is the service's wait in seconds when it said.
    case rateLimited(operation: String, retryAfter: Double?, message: String)
    /// 5xx: a failure on the service's side.
    case server(operation: String, status: Int, message: String)
    /// Another status the documentation does not list.
    case unexpected(operation: String, status: Int, code: String, message: String)
    /// No answer (refused, dropped, timed out): the request may or may not have been carried out.
    case unreachable(operation: String, detail: String)
    /// The request was sent whole and its answer never came or was cut off: it may have been carried
    /// out (and charged), and the service keeps nothing to look it up by.
    case answerLost(operation: String, detail: String)
    /// An answer that is not what the documentation describes.
    case invalidResponse(operation: String, detail: String)
    /// A local job file that cannot be read or written.
    case jobState(path: String, detail: String)
}

extension VoiceConvertError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .missingKey(variable):
            "the voice-convert service needs an API key: set \(variable) or run `dubkit provider login voiceconvert`"
        case let .invalidValue(field, value, allowed):
            "voiceconvert: \(field) = \(value) is not accepted: allowed \(allowed)"
        case let .needsURL(field, value):
            "voiceconvert: \(field) \(value) is a local file, and the service takes audio only by URL (it has no upload): "
                + "dub a public http(s) link (--link), give the voice as voiceconvert:https://…, or set VOICECONVERT_PUBLISH_DIR "
                + "to a folder your web server publishes at VOICECONVERT_PUBLIC_URL"
        case let .publish(path, detail):
            "voiceconvert: could not publish \(path) (\(detail)); check VOICECONVERT_PUBLISH_DIR exists and is writable"
        case let .unauthorized(operation, code, message):
            "\(operation): the voice-convert service refused the API key (401 \(code): \(message)); check VOICECONVERT_API_KEY or log in again with `dubkit provider login voiceconvert`"
        case let .insufficientCredits(operation, message):
            "\(operation): not enough voice credits (402: \(message)); top up the account, or shorten the dub (2 credits a second of output)"
        case let .notFound(operation, message):
            "\(operation): the service has no such task (404: \(message)); run `dubkit dub retry` to start a new one"
        case let .rejected(operation, status, code, message):
            "\(operation): the service refused the request (\(status) \(code): \(message)); check the parameters and that both audio URLs are public"
        case let .rateLimited(operation, retryAfter, message):
            "\(operation): the service is rate limiting (429\(retryAfter.map { ", retry after \(Int($0.rounded(.up))) s" } ?? "")): \(message)"
        case let .server(operation, status, message):
            "\(operation): the service failed on its side (\(status): \(message)); try again later"
        case let .unexpected(operation, status, code, message):
            "\(operation): the service answered \(status) \(code): \(message)"
        case let .unreachable(operation, detail):
            "\(operation): no answer from the voice-convert service: \(detail)"
        case let .answerLost(operation, detail):
            "\(operation): the request reached the voice-convert service and its answer was lost (\(detail)); it may have been carried out and charged"
        case let .invalidResponse(operation, detail):
            "\(operation): the service's answer is not as documented: \(detail)"
        case let .jobState(path, detail):
            "voiceconvert job file \(path): \(detail)"
        }
    }

    /// The error as the core sees it, keeping the HTTP status and the service's code.
    public var providerError: ProviderError {
        let id = VoiceConvertDescriptor.id
        let message = errorDescription ?? "\(self)"
        return switch self {
        case let .missingKey(variable): .missingKey(provider: id, variable: variable)
        case let .invalidValue(field, value, allowed): .invalidParameter(provider: id, field: field, value: value, allowed: allowed)
        case let .needsURL(field, value):
            .invalidParameter(provider: id, field: field, value: value,
                              allowed: "a public http(s) URL: the service takes audio only by URL (dub a --link, or set VOICECONVERT_PUBLISH_DIR and VOICECONVERT_PUBLIC_URL)")
        case .publish: .remote(provider: id, status: nil, code: "publish_failed", message: message)
        case let .unauthorized(_, code, _): .remote(provider: id, status: 401, code: code, message: message)
        case .insufficientCredits: .remote(provider: id, status: 402, code: "insufficient_credits", message: message)
        case .notFound: .remote(provider: id, status: 404, code: "not_found", message: message)
        case let .rejected(_, status, code, _): .remote(provider: id, status: status, code: code, message: message)
        case let .rateLimited(_, retryAfter, _): .rateLimited(provider: id, retryAfter: retryAfter, message: message)
        case let .server(_, status, _): .remote(provider: id, status: status, code: "server_error", message: message)
        case let .unexpected(_, status, code, _): .remote(provider: id, status: status, code: code, message: message)
        case .unreachable: .unreachable(provider: id, detail: message)
        case .answerLost: .answerLost(provider: id, detail: message)
        case .invalidResponse: .remote(provider: id, status: nil, code: "invalid_response", message: message)
        case .jobState: .remote(provider: id, status: nil, code: "job_state", message: message)
        }
    }
}

extension VoiceConvertError: AdapterError {
    public var isAnswerLost: Bool {
        if case .answerLost = self { true } else { false }
    }

    /// The typed error for a status other than 2xx, its body (`{error: {code, type, message}}` or text)
    /// and its `Retry-After`.
    public static func refusal(_ response: HTTPResponse, operation: String) -> VoiceConvertError {
        let status = response.status
        let parsed = (try? JSONDecoder().decode(VoiceConvertErrorBody.self, from: response.body))?.detail
        let code = parsed?.code ?? "http_\(status)"
        let message = summary(parsed?.message ?? response.text, limit: 200)
        switch status {
        case 401: return .unauthorized(operation: operation, code: parsed?.code ?? "unauthorized", message: message)
        case 402: return .insufficientCredits(operation: operation, message: message)
        case 404: return .notFound(operation: operation, message: message)
        case 400, 422: return .rejected(operation: operation, status: status, code: code, message: message)
        case 429: return .rateLimited(operation: operation, retryAfter: response.retryAfter, message: message)
        case 500..<600: return .server(operation: operation, status: status, message: message)
        default: return .unexpected(operation: operation, status: status, code: code, message: message)
        }
    }
}
