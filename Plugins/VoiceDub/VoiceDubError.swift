import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// What went wrong talking to VoiceDub: every error body of the spec, 401/429/5xx, and the checks made
/// before a request. Each case carries the provider's code and message and says what to do next.
public enum VoiceDubError: ProviderWireError, Equatable {
    /// 400 `invalid_arguments`: a field the API refused; `details` is its `errors` object.
    case invalidArguments(operation: String, message: String, details: String?)
    /// 404 `not_found`: no such dub or voice for this key.
    case notFound(operation: String, message: String)
    /// 400 `voice_not_found`: the dub's voice is unknown or not accessible.
    case voiceNotFound(operation: String, message: String)
    /// 400 `dub_is_not_new`: the dub was already preprocessed (or is past it).
    case dubIsNotNew(operation: String, message: String)
    /// 400 `dub_is_not_in_preprocessed_state`: generate before preprocessing finished, or a second generate.
    case dubNotPreprocessed(operation: String, message: String)
    /// 400 `voice_is_not_new`: clone on a voice that is already training or trained.
    case voiceIsNotNew(operation: String, message: String)
    /// 401 `unauthorized`: the key is missing, wrong or revoked.
    case unauthorized(operation: String, message: String)
    /// 403 `not_enough_credits`, or refused before the paid request when the account has too few.
    case notEnoughCredits(operation: String, required: Int64?, available: Int64?, message: String)
    /// 429 `rate_limit_exceeded`; `retryAfter` is the wait `Retry-After` asked for, else the seconds to
    /// `X-RateLimit-Reset` (the core pauses the provider that long, then tries again).
    case rateLimited(operation: String, retryAfter: Double?, message: String)
    /// 5xx `internal_error` (after the retries that were safe).
    case internalError(operation: String, status: Int, message: String)
    /// A paid or state-changing request failed in a way that leaves open whether VoiceDub acted on it,
    /// and looking the job up did not settle it.
    case outcomeUnknown(operation: String, detail: String)
    /// Another status or code than the spec lists.
    case unexpected(operation: String, status: Int?, code: String, message: String)
    /// VoiceDub could not be reached (connection, timeout, TLS).
    case unreachable(operation: String, detail: String)
    /// An answer that does not match the spec.
    case invalidResponse(operation: String, detail: String)
    /// A value outside the spec's range, refused before sending.
    case invalidValue(field: String, value: String, allowed: String)
    /// The input is longer than VoiceDub's 30-minute limit; refused before upload.
    case inputTooLong(seconds: Double, limitSeconds: Double)
    /// The presigned upload URL of a job is not known (it is only returned when the job is created).
    case uploadURLMissing(job: String)
    /// The API key is not configured.
    case missingKey(variable: String)
    /// A file on this machine could not be read or written (the upload's source, the result's
    /// destination): not VoiceDub's doing, and not worth retrying as it is.
    case localFile(operation: String, path: String, message: String)

    /// The provider's code (or DubKit's for checks made locally).
    public var code: String {
        switch self {
        case .invalidArguments: "invalid_arguments"
        case .notFound: "not_found"
        case .voiceNotFound: "voice_not_found"
        case .dubIsNotNew: "dub_is_not_new"
        case .dubNotPreprocessed: "dub_is_not_in_preprocessed_state"
        case .voiceIsNotNew: "voice_is_not_new"
        case .unauthorized: "unauthorized"
        case .notEnoughCredits: "not_enough_credits"
        case .rateLimited: "rate_limit_exceeded"
        case .internalError: "internal_error"
        case .outcomeUnknown: "outcome_unknown"
        case let .unexpected(_, _, code, _): code
        case .unreachable: "unreachable"
        case .invalidResponse: "invalid_response"
        case .invalidValue: "invalid_parameter"
        case .inputTooLong: "input_too_long"
        case .uploadURLMissing: "upload_url_missing"
        case .missingKey: "missing_key"
        case .localFile: "local_file"
        }
    }

    /// The HTTP status VoiceDub answered, when it did.
    public var status: Int? {
        switch self {
        case .invalidArguments, .voiceNotFound, .dubIsNotNew, .dubNotPreprocessed, .voiceIsNotNew: 400
        case .unauthorized: 401
        case let .notEnoughCredits(_, required, _, _): required == nil ? 403 : nil
        case .notFound: 404
        case .rateLimited: 429
        case let .internalError(_, status, _): status
        case let .unexpected(_, status, _, _): status
        default: nil
        }
    }

    /// What to do next.
    public var advice: String {
        switch self {
        case .invalidArguments: "Check the fields named above against `dubkit provider list` (pitch \(ParameterCatalogue.pitchShift.rangeText), names 1-50 characters, 1-5 files, 5-60 max minutes)."
        case .notFound: "The dub or voice no longer exists at VoiceDub (or belongs to another key): create it again (`dubkit dub retry` starts over from upload)."
        case .voiceNotFound: "Pick a voice from `dubkit voice list --provider voicedub`, or train one with `dubkit voice train --provider voicedub`."
        case .dubIsNotNew: "VoiceDub already preprocessed this dub; run `dubkit dub run` again to continue from where it stands."
        case .dubNotPreprocessed: "Generate only follows a finished preprocess; run `dubkit dub run` again to continue from the dub's current state."
        case .voiceIsNotNew: "Training was already started; run the training again to follow it instead of starting it."
        case .unauthorized: "Check VOICEDUB_API_KEY (or run `dubkit provider login voicedub`), then `dubkit provider check voicedub`."
        case .notEnoughCredits: "Buy credits at voicedub.ai or shorten the input; `dubkit provider check voicedub` shows what is left."
        case .rateLimited: "VoiceDub is rate limiting this key; wait a minute and run the command again."
        case .internalError: "VoiceDub failed; try again later (`dubkit dub run` continues where it stopped)."
        case .outcomeUnknown: "Run again: DubKit looks the job up first and does not pay twice."
        case .unexpected: "Try again; if it persists, run with --verbose and report the answer."
        case .unreachable: "Check the network and VOICEDUB_BASE_URL, then run again."
        case .invalidResponse: "Check VOICEDUB_BASE_URL points at the VoiceDub API; run with --verbose to see the answer."
        case .invalidValue: "Change the value to one in the allowed range."
        case .inputTooLong: "Cut the input into parts of at most 30 minutes and dub each."
        case .uploadURLMissing: "Run `dubkit dub retry` to create the job again and upload the audio."
        case let .missingKey(variable): "Export \(variable)=… or run `dubkit provider login voicedub`."
        case .localFile: "Check that the folder exists and is writable (for results, the temporary folder: TMPDIR) and that the disk has room, then `dubkit dub retry`."
        }
    }

    /// The sentence that names the request and the provider's message.
    public var summary: String {
        switch self {
        case let .invalidArguments(operation, message, details):
            "\(operation): VoiceDub refused the arguments: \(message)\(details.map { " (\($0))" } ?? "")"
        case let .notFound(operation, message):
            "\(operation): not found: \(message)"
        case let .voiceNotFound(operation, message):
            "\(operation): voice not found: \(message)"
        case let .dubIsNotNew(operation, message):
            "\(operation): the dub is not new: \(message)"
        case let .dubNotPreprocessed(operation, message):
            "\(operation): the dub is not preprocessed: \(message)"
        case let .voiceIsNotNew(operation, message):
            "\(operation): the voice is not new: \(message)"
        case let .unauthorized(operation, message):
            "\(operation): VoiceDub refused the API key: \(message)"
        case let .notEnoughCredits(operation, required, available, message):
            if let required, let available {
                "\(operation) refused before sending: it needs \(required) credits and the account has \(available)"
            } else {
                "\(operation): not enough credits: \(message)"
            }
        case let .rateLimited(operation, retryAfter, message):
            "\(operation): rate_limit_exceeded\(retryAfter.map { " (Retry-After \(Self.format($0)) s)" } ?? ""): \(message)"
        case let .internalError(operation, status, message):
            "\(operation): VoiceDub failed with HTTP \(status): \(message)"
        case let .outcomeUnknown(operation, detail):
            "\(operation): unknown whether VoiceDub acted on it: \(detail)"
        case let .unexpected(operation, status, code, message):
            "\(operation): unexpected answer\(status.map { " HTTP \($0)" } ?? "") \(code): \(message)"
        case let .unreachable(operation, detail):
            "\(operation): no answer from VoiceDub: \(detail)"
        case let .invalidResponse(operation, detail):
            "\(operation): the answer does not match VoiceDub's API: \(detail)"
        case let .invalidValue(field, value, allowed):
            "voicedub: \(field) = \(value) is out of range: allowed \(allowed)"
        case let .inputTooLong(seconds, limit):
            "voicedub: the input is \(Self.clock(seconds)) long; VoiceDub takes at most \(Self.clock(limit))"
        case let .uploadURLMissing(job):
            "voicedub: the upload URL of dub \(job) is not known (it is given only when the dub is created)"
        case let .missingKey(variable):
            "voicedub needs an API key and none is configured (\(variable) is not set)"
        case let .localFile(operation, path, message):
            "\(operation): the local file \(path) could not be used: \(message)"
        }
    }

    /// The same failure for the core, which records its code and message on the dub or voice.
    public var providerError: ProviderError {
        switch self {
        case let .invalidValue(field, value, allowed):
            .invalidParameter(provider: VoiceDubDescriptor.id, field: field, value: value, allowed: allowed)
        case let .missingKey(variable):
            .missingKey(provider: VoiceDubDescriptor.id, variable: variable)
        case .unreachable, .outcomeUnknown:
            // The core looks a paid step up before sending it again.
            .unreachable(provider: VoiceDubDescriptor.id, detail: (summary.hasSuffix(".") ? summary : summary + ".") + " " + advice)
        case let .rateLimited(_, retryAfter, _):
            .rateLimited(provider: VoiceDubDescriptor.id, retryAfter: retryAfter, message: "\(summary). \(advice)")
        default:
            .remote(provider: VoiceDubDescriptor.id, status: status, code: code,
                    message: (summary.hasSuffix(".") ? summary : summary + ".") + " " + advice)
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        return String(format: "%d:%02d", total / 60, total % 60)
    }
}

extension VoiceDubError: LocalizedError {
    public var errorDescription: String? { summary }
    public var recoverySuggestion: String? { advice }
}

extension VoiceDubError: AdapterError {
    /// VoiceDub reports a request without a readable answer as unreachable whether or not it left whole:
    /// the core looks a paid request up before sending it again either way.
    public static func answerLost(operation: String, detail: String) -> VoiceDubError {
        .unreachable(operation: operation, detail: detail)
    }

    public var isAnswerLost: Bool { false }

    /// A local state file (upload URLs, a result's part file) that cannot be read or written.
    public static func jobState(path: String, detail: String) -> VoiceDubError {
        .localFile(operation: "state file", path: path, message: detail)
    }

    /// The typed error for a status other than 2xx, from the `{code, message}` body, with a 429's wait.
    /// A presigned transfer's failures are the storage's, not the API's: its bodies are not `{code, message}`.
    public static func refusal(_ response: HTTPResponse, operation: String) -> VoiceDubError {
        let status = response.status
        if operation == VoiceDubClient.uploadOperation || operation == VoiceDubClient.downloadOperation {
            let detail = response.text.isEmpty ? "no details" : response.text
            if status == 429 { return .rateLimited(operation: operation, retryAfter: response.retryAfter, message: detail) }
            if (500..<600).contains(status) { return .internalError(operation: operation, status: status, message: detail) }
            return .unexpected(operation: operation, status: status, code: "http_\(status)", message: detail)
        }
        let parsed = errorBody(response.text)
        let message = parsed?.message ?? (response.text.isEmpty ? "no details" : response.text)
        switch (status, parsed?.code) {
        case (_, "invalid_arguments"?): return .invalidArguments(operation: operation, message: message, details: parsed?.errors)
        case (_, "voice_not_found"?): return .voiceNotFound(operation: operation, message: message)
        case (_, "dub_is_not_new"?): return .dubIsNotNew(operation: operation, message: message)
        case (_, "dub_is_not_in_preprocessed_state"?): return .dubNotPreprocessed(operation: operation, message: message)
        case (_, "voice_is_not_new"?): return .voiceIsNotNew(operation: operation, message: message)
        case (_, "not_found"?), (404, nil): return .notFound(operation: operation, message: message)
        case (_, "unauthorized"?), (401, nil): return .unauthorized(operation: operation, message: message)
        case (_, "not_enough_credits"?), (403, nil): return .notEnoughCredits(operation: operation, required: nil, available: nil, message: message)
        case (_, "rate_limit_exceeded"?), (429, nil):
            return .rateLimited(operation: operation, retryAfter: response.retryAfter ?? rateLimitReset(response.headers), message: message)
        case (_, "internal_error"?), (500..<600, nil): return .internalError(operation: operation, status: status, message: message)
        case let (_, code):
            if (500..<600).contains(status) { return .internalError(operation: operation, status: status, message: message) }
            return .unexpected(operation: operation, status: status, code: code ?? "http_\(status)", message: message)
        }
    }

    /// An answer whose `X-RateLimit-Remaining` is 0: the seconds to `X-RateLimit-Reset`, for which the
    /// core holds back the provider's next request.
    public static func wait(after response: HTTPResponse) -> Double? {
        rateLimitReset(response.headers)
    }

    /// The seconds until `X-RateLimit-Reset` (unix seconds) when `X-RateLimit-Remaining` says none are
    /// left, at most a minute (VoiceDub's window); nil when the headers do not say.
    static func rateLimitReset(_ headers: HTTPHeaders, now: Date = Date()) -> Double? {
        guard let remaining = headers["X-RateLimit-Remaining"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              remaining <= 0,
              let reset = headers["X-RateLimit-Reset"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
        else { return nil }
        return min(max(0, reset - now.timeIntervalSince1970), 60)
    }

    /// The `{code, message}` of an error body; the body may have been cut short, so the two fields are
    /// also looked for as text.
    private static func errorBody(_ body: String) -> VoiceDubErrorBody? {
        if let parsed = try? JSONDecoder().decode(VoiceDubErrorBody.self, from: Data(body.utf8)) { return parsed }
        guard let code = field("code", in: body) else { return nil }
        return VoiceDubErrorBody(code: code, message: field("message", in: body) ?? "")
    }

    private static func field(_ name: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: "\"\(name)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\""),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range]).replacingOccurrences(of: "\\\"", with: "\"")
    }
}
