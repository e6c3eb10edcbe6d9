import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// Why an ElevenLabs request or step failed; every message names the operation or the field, carries
/// ElevenLabs's own status and message when it sent one, and says what to do. Never holds the key.
public enum ElevenLabsError: ProviderWireError, Equatable {
    /// No key in `ELEVENLABS_API_KEY` nor saved with `dubkit provider login elevenlabs`.
    case missingKey(variable: String)
    /// A value ElevenLabs would refuse, caught before any request.
    case invalidValue(field: String, value: String, allowed: String)
    /// A `model_id` whose `can_do_voice_conversion` is false, or that `GET /v1/models` does not list;
    /// `usable` are the models that can convert.
    case unsupportedModel(model: String, known: Bool, usable: [String])
    /// The input cannot be prepared as `audio` (not decodable, or too long).
    case audio(path: String, detail: String)
    /// 401 `invalid_api_key` (or another refusal of the key).
    case unauthorized(operation: String, code: String, message: String)
    /// `quota_exceeded`: not enough characters left on the plan for this request.
    case quotaExceeded(operation: String, status: Int, message: String)
    /// `voice_not_found`: no voice with that id on the account or in its library.
    case voiceNotFound(operation: String, status: Int, message: String)
    /// 422: FastAPI's list of fields refused, as `field: message` pairs.
    case unprocessable(operation: String, problems: String)
    /// Another 4xx with ElevenLabs's `status` (or `http_<code>`).
    case rejected(operation: String, status: Int, code: String, message: String)
    /// 429 `too_many_concurrent_requests` or `system_busy`; `retryAfter` when the answer said.
    case rateLimited(operation: String, code: String, retryAfter: Double?, message: String)
    /// 5xx: a failure on ElevenLabs's side.
    case server(operation: String, status: Int, message: String)
    /// No answer, or an answer cut off (refused, dropped, timed out).
    case unreachable(operation: String, detail: String)
    /// The request was sent whole and its answer never came or was cut off: it may have been carried
    /// out (and charged), and the service keeps nothing to look it up by.
    case answerLost(operation: String, detail: String)
    /// An answer that is not what the documentation describes.
    case invalidResponse(operation: String, detail: String)
    /// A local job file or folder that cannot be read or written.
    case jobState(path: String, detail: String)
}

extension ElevenLabsError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .missingKey(variable):
            "ElevenLabs needs an API key: set \(variable) or run `dubkit provider login elevenlabs`"
        case let .invalidValue(field, value, allowed):
            "ElevenLabs: \(field) = \(value) is not accepted: allowed \(allowed)"
        case let .unsupportedModel(model, known, usable):
            "ElevenLabs: model_id \(model.debugDescription) "
                + (known ? "cannot do speech-to-speech (its can_do_voice_conversion is false)" : "is not among the account's models (GET /v1/models)")
                + "; use one that can: " + (usable.isEmpty ? "none listed" : usable.joined(separator: ", "))
        case let .audio(path, detail):
            "ElevenLabs audio \(path): \(detail)"
        case let .unauthorized(operation, code, message):
            "\(operation): ElevenLabs refused the API key (401 \(code): \(message)); check ELEVENLABS_API_KEY or log in again with `dubkit provider login elevenlabs`"
        case let .quotaExceeded(operation, status, message):
            "\(operation): ElevenLabs quota exceeded (\(status) quota_exceeded: \(message)); speech-to-speech costs 1,000 characters a minute of audio: wait for the plan's reset, upgrade it, or dub a shorter input"
        case let .voiceNotFound(operation, status, message):
            "\(operation): ElevenLabs has no such voice (\(status) voice_not_found: \(message)); find one with `dubkit voice list --provider elevenlabs --search NAME`"
        case let .unprocessable(operation, problems):
            "\(operation): ElevenLabs refused the request (422: \(problems)); fix the fields named and create the dub again"
        case let .rejected(operation, status, code, message):
            "\(operation): ElevenLabs refused the request (\(status) \(code): \(message)); check the voice, the model and the parameters"
        case let .rateLimited(operation, code, retryAfter, message):
            "\(operation): ElevenLabs is busy (429 \(code)\(retryAfter.map { ", retry after \(Int($0.rounded(.up))) s" } ?? ""): \(message)); "
                + (code == "too_many_concurrent_requests"
                    ? "the plan allows only a few conversions at once: run fewer dubs at the same time (--jobs)"
                    : "it is tried again after a pause")
        case let .server(operation, status, message):
            "\(operation): ElevenLabs failed on its side (\(status): \(message)); try again later"
        case let .unreachable(operation, detail):
            "\(operation): no complete answer from ElevenLabs: \(detail)"
        case let .answerLost(operation, detail):
            "\(operation): the request reached ElevenLabs and its answer was lost (\(detail)); it may have been carried out and charged"
        case let .invalidResponse(operation, detail):
            "\(operation): ElevenLabs's answer is not as documented: \(detail)"
        case let .jobState(path, detail):
            "ElevenLabs job file \(path): \(detail)"
        }
    }

    /// The error as the core sees it, keeping the HTTP status and ElevenLabs's own status as the code.
    public var providerError: ProviderError {
        let id = ElevenLabsDescriptor.id
        let message = errorDescription ?? "\(self)"
        return switch self {
        case let .missingKey(variable): .missingKey(provider: id, variable: variable)
        case let .invalidValue(field, value, allowed): .invalidParameter(provider: id, field: field, value: value, allowed: allowed)
        case let .unsupportedModel(model, known, usable):
            .invalidParameter(provider: id, field: "model_id", value: model.debugDescription,
                              allowed: (known ? "a model that can do speech-to-speech (this one's can_do_voice_conversion is false): "
                                               : "one of the account's models (GET /v1/models) that can do speech-to-speech: ")
                                + (usable.isEmpty ? "none listed" : usable.joined(separator: ", ")))
        case .audio: .remote(provider: id, status: nil, code: "invalid_audio", message: message)
        case let .unauthorized(_, code, _): .remote(provider: id, status: 401, code: code, message: message)
        case let .quotaExceeded(_, status, _): .remote(provider: id, status: status, code: "quota_exceeded", message: message)
        case let .voiceNotFound(_, status, _): .remote(provider: id, status: status, code: "voice_not_found", message: message)
        case .unprocessable: .remote(provider: id, status: 422, code: "unprocessable_entity", message: message)
        case let .rejected(_, status, code, _): .remote(provider: id, status: status, code: code, message: message)
        case let .rateLimited(_, _, retryAfter, _): .rateLimited(provider: id, retryAfter: retryAfter, message: message)
        case let .server(_, status, _): .remote(provider: id, status: status, code: "server_error", message: message)
        case .unreachable: .unreachable(provider: id, detail: message)
        case .answerLost: .answerLost(provider: id, detail: message)
        case .invalidResponse: .remote(provider: id, status: nil, code: "invalid_response", message: message)
        case .jobState: .remote(provider: id, status: nil, code: "job_state", message: message)
        }
    }
}

extension ElevenLabsError: AdapterError {
    public var isAnswerLost: Bool {
        if case .answerLost = self { true } else { false }
    }

    /// The typed error for a status other than 2xx, its body (`{detail: {status, message}}`, `{detail:
    /// [{loc, msg, type}]}` or text) and its `Retry-After`. ElevenLabs's own `status` decides before the
    /// HTTP code: `quota_exceeded` comes as a 401, like a wrong key, and means something else.
    public static func refusal(_ response: HTTPResponse, operation: String) -> ElevenLabsError {
        let status = response.status
        let parsed = try? JSONDecoder().decode(ElevenLabsErrorBody.self, from: response.body)
        let code = parsed?.status ?? "http_\(status)"
        let message = summary(parsed?.message ?? (parsed?.problems.isEmpty == false ? "" : response.text))
        switch (status, code) {
        case (_, "quota_exceeded"): return .quotaExceeded(operation: operation, status: status, message: message)
        case (_, "voice_not_found"): return .voiceNotFound(operation: operation, status: status, message: message)
        case (401, _): return .unauthorized(operation: operation, code: parsed?.status ?? "invalid_api_key", message: message)
        case (422, _):
            let problems = parsed?.problems.map { problem in
                [problem.location, problem.msg ?? problem.type ?? ""].filter { !$0.isEmpty }.joined(separator: ": ")
            }.joined(separator: "; ")
            return .unprocessable(operation: operation, problems: summary(problems.flatMap { $0.isEmpty ? nil : $0 } ?? message))
        case (429, _):
            return .rateLimited(operation: operation, code: parsed?.status ?? "too_many_requests", retryAfter: response.retryAfter,
                                message: message)
        case (500..<600, _): return .server(operation: operation, status: status, message: message)
        default: return .rejected(operation: operation, status: status, code: code, message: message)
        }
    }
}
