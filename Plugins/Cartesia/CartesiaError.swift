import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// Why a Cartesia request or step failed; every message names the operation or the field, carries
/// Cartesia's own code, message and request id when it sent them, and says what to do. Never holds the key.
public enum CartesiaError: ProviderWireError, Equatable {
    /// No key in `CARTESIA_API_KEY` nor saved with `dubkit provider login cartesia`.
    case missingKey(variable: String)
    /// A value Cartesia would refuse, caught before any request.
    case invalidValue(field: String, value: String, allowed: String)
    /// The input or a dataset file cannot be prepared for upload.
    case audio(path: String, detail: String)
    /// 401: the key was refused.
    case unauthorized(operation: String, code: String, message: String)
    /// 402, or a code about credits or quota: not enough credits left for the request.
    case quotaExceeded(operation: String, status: Int, code: String, message: String)
    /// 404: no such voice, dataset or fine-tune.
    case notFound(operation: String, code: String, message: String)
    /// 400 or 422: a field refused, with Cartesia's message.
    case unprocessable(operation: String, status: Int, code: String, message: String)
    /// Another 4xx.
    case rejected(operation: String, status: Int, code: String, message: String)
    /// 429 (`concurrency_limited`): too many requests at once; `retryAfter` when the answer said.
    case rateLimited(operation: String, code: String, retryAfter: Double?, message: String)
    /// 5xx: a failure on Cartesia's side.
    case server(operation: String, status: Int, code: String, message: String)
    /// An `error` event in the middle of a voice changer stream.
    case streamFailed(operation: String, status: Int?, code: String, message: String)
    /// No answer, or an answer cut off (refused, dropped, timed out).
    case unreachable(operation: String, detail: String)
    /// The request was sent whole and its answer never came or was cut off: it may have been carried
    /// out (and charged), and the service keeps nothing to look it up by.
    case answerLost(operation: String, detail: String)
    /// An answer that is not what the documentation describes.
    case invalidResponse(operation: String, detail: String)
    /// A local job or training file that cannot be read or written.
    case jobState(path: String, detail: String)
}

extension CartesiaError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .missingKey(variable):
            "Cartesia needs an API key: set \(variable) or run `dubkit provider login cartesia`"
        case let .invalidValue(field, value, allowed):
            "Cartesia: \(field) = \(value) is not accepted: allowed \(allowed)"
        case let .audio(path, detail):
            "Cartesia audio \(path): \(detail)"
        case let .unauthorized(operation, code, message):
            "\(operation): Cartesia refused the API key (401 \(code): \(message)); check CARTESIA_API_KEY or log in again with `dubkit provider login cartesia`"
        case let .quotaExceeded(operation, status, code, message):
            "\(operation): Cartesia has not enough credits for this (\(status) \(code): \(message)); the voice changer costs 15 characters a second of input and a fine-tune 1,000,000 credits: top up or upgrade the plan at play.cartesia.ai, or dub a shorter input"
        case let .notFound(operation, code, message):
            "\(operation): Cartesia has no such \(Self.thing(in: operation)) (404 \(code): \(message)); "
                + (Self.thing(in: operation) == "voice"
                    ? "find one with `dubkit voice list --provider cartesia`"
                    : "it was deleted at Cartesia: train the voice again under a new name")
        case let .unprocessable(operation, status, code, message):
            "\(operation): Cartesia refused the request (\(status) \(code): \(message)); fix the field named and run it again"
        case let .rejected(operation, status, code, message):
            "\(operation): Cartesia refused the request (\(status) \(code): \(message)); check the voice and the parameters"
        case let .rateLimited(operation, code, retryAfter, message):
            "\(operation): Cartesia is busy (429 \(code)\(retryAfter.map { ", retry after \(Int($0.rounded(.up))) s" } ?? ""): \(message)); "
                + "the plan runs only a few requests at once (Free 2, Pro 3, Startup 5): it is tried again after a pause; run fewer dubs at the same time (--jobs)"
        case let .server(operation, status, code, message):
            "\(operation): Cartesia failed on its side (\(status) \(code): \(message)); it is tried again later, or run the same command again"
        case let .streamFailed(operation, status, code, message):
            "\(operation): Cartesia stopped the stream with an error (\(status.map { "\($0) " } ?? "")\(code): \(message)); "
                + "nothing was stored: run the dub again (`dubkit dub retry`), or without --param stream=true"
        case let .unreachable(operation, detail):
            "\(operation): no complete answer from Cartesia: \(detail)"
        case let .answerLost(operation, detail):
            "\(operation): the request reached Cartesia and its answer was lost (\(detail)); it may have been carried out and charged"
        case let .invalidResponse(operation, detail):
            "\(operation): Cartesia's answer is not as documented: \(detail)"
        case let .jobState(path, detail):
            "Cartesia state file \(path): \(detail)"
        }
    }

    /// What a 404's operation was about.
    static func thing(in operation: String) -> String {
        if operation.contains("/fine-tunes") { return "fine-tune" }
        if operation.contains("/datasets") { return "dataset" }
        return "voice"
    }

    /// True when the same request may succeed later (429, 5xx, no answer).
    var isTransient: Bool {
        switch self {
        case .rateLimited, .server, .unreachable, .answerLost: true
        default: false
        }
    }

    /// The error as the core sees it, keeping the HTTP status and Cartesia's code.
    public var providerError: ProviderError {
        let id = CartesiaDescriptor.id
        let message = errorDescription ?? "\(self)"
        return switch self {
        case let .missingKey(variable): .missingKey(provider: id, variable: variable)
        case let .invalidValue(field, value, allowed): .invalidParameter(provider: id, field: field, value: value, allowed: allowed)
        case .audio: .remote(provider: id, status: nil, code: "invalid_audio", message: message)
        case let .unauthorized(_, code, _): .remote(provider: id, status: 401, code: code, message: message)
        case let .quotaExceeded(_, status, code, _): .remote(provider: id, status: status, code: code, message: message)
        case let .notFound(_, code, _): .remote(provider: id, status: 404, code: code, message: message)
        case let .unprocessable(_, status, code, _): .remote(provider: id, status: status, code: code, message: message)
        case let .rejected(_, status, code, _): .remote(provider: id, status: status, code: code, message: message)
        case let .rateLimited(_, _, retryAfter, _): .rateLimited(provider: id, retryAfter: retryAfter, message: message)
        case let .server(_, status, code, _): .remote(provider: id, status: status, code: code, message: message)
        case let .streamFailed(_, status, code, _):
            // A stream that failed after it started is worth another try when Cartesia says it failed on its side.
            .remote(provider: id, status: status.flatMap { $0 >= 500 || $0 == 429 ? $0 : nil }, code: code, message: message)
        case .unreachable: .unreachable(provider: id, detail: message)
        case .answerLost: .answerLost(provider: id, detail: message)
        case .invalidResponse: .remote(provider: id, status: nil, code: "invalid_response", message: message)
        case .jobState: .remote(provider: id, status: nil, code: "job_state", message: message)
        }
    }
}

extension CartesiaError: AdapterError {
    public var isAnswerLost: Bool {
        if case .answerLost = self { true } else { false }
    }

    /// The typed error for a status other than 2xx, its body (`{error_code, title, message, request_id}`
    /// or plain text) and its `Retry-After`. A code about credits or quota decides before the HTTP status.
    public static func refusal(_ response: HTTPResponse, operation: String) -> CartesiaError {
        let status = response.status
        let parsed = try? JSONDecoder().decode(CartesiaErrorBody.self, from: response.body)
        let structured = parsed.map { $0.errorCode != nil || $0.message != nil || $0.title != nil } ?? false
        let code = parsed?.errorCode ?? defaultCode(status)
        var text = structured ? [parsed?.title, parsed?.message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ") : response.text
        if let request = parsed?.requestID, !request.isEmpty { text += " (request id \(request))" }
        let message = summary(text)
        let lowered = code.lowercased()
        if status == 402 || lowered.contains("quota") || lowered.contains("credit") || lowered.contains("insufficient") {
            return .quotaExceeded(operation: operation, status: status, code: code, message: message)
        }
        switch status {
        case 401: return .unauthorized(operation: operation, code: code, message: message)
        case 403 where lowered.contains("key") || lowered.contains("auth"):
            return .unauthorized(operation: operation, code: code, message: message)
        case 404: return .notFound(operation: operation, code: code, message: message)
        case 400, 422: return .unprocessable(operation: operation, status: status, code: code, message: message)
        case 429: return .rateLimited(operation: operation, code: code, retryAfter: response.retryAfter, message: message)
        case 500..<600: return .server(operation: operation, status: status, code: code, message: message)
        default: return .rejected(operation: operation, status: status, code: code, message: message)
        }
    }

    /// Cartesia's code when the body names none (older versions answer plain text).
    static func defaultCode(_ status: Int) -> String {
        switch status {
        case 401: "unauthorized"
        case 402: "payment_required"
        case 404: "not_found"
        case 400: "bad_request"
        case 422: "unprocessable_entity"
        case 429: "concurrency_limited"
        case 500..<600: "server_error"
        default: "http_\(status)"
        }
    }
}
