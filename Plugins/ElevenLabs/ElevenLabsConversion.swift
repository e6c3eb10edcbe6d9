import DubKit
import Foundation

/// What one speech-to-speech request asks for, built from a dub's parameters once they passed the
/// descriptor's checks: the form's text fields, the query, the endpoint.
public struct ElevenLabsConversion: Codable, Sendable, Hashable {
    public var voiceID: String
    /// `model_id`, when given (ElevenLabs's default otherwise).
    public var modelID: String?
    /// `voice_settings` as JSON text with the settings given (sorted keys), nil when none.
    public var voiceSettings: String?
    public var seed: Int64?
    public var removeBackgroundNoise: Bool?
    /// `file_format`, when given: `pcm_s16le_16` or `other`.
    public var fileFormat: String?
    /// Always sent, so the adapter knows what comes back.
    public var outputFormat: String
    public var optimizeStreamingLatency: Int?
    public var enableLogging: Bool?
    /// Use `POST /v1/speech-to-speech/{voice_id}/stream`.
    public var stream: Bool

    /// The voice settings a dub parameter may set, inside `voice_settings`.
    static let voiceSettingNames = ["similarity_boost", "speed", "stability", "style", "use_speaker_boost"]

    /// True when the input is sent as raw 16-bit 16 kHz mono PCM.
    public var sendsRawPCM: Bool { fileFormat == "pcm_s16le_16" }

    /// The output format (always one of the seed's: the parameter is a choice of them).
    public var format: ElevenLabsOutputFormat {
        ElevenLabsOutputFormat(outputFormat) ?? .standard
    }

    /// Builds the request; `parameters` must have passed ``ProviderDescriptor/validate(pitchShift:parameters:)``.
    public init(voiceID: String, parameters: DubParameters) throws(ElevenLabsError) {
        let values = parameters.values
        self.voiceID = voiceID
        if case let .string(model)? = values["model_id"] {
            let trimmed = model.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) else {
                throw .invalidValue(field: "model_id", value: model.debugDescription,
                                    allowed: "a model id such as eleven_multilingual_sts_v2 (letters, digits, _ - .)")
            }
            modelID = trimmed
        }
        var settings: [String: JSONValue] = [:]
        for name in Self.voiceSettingNames { if let value = values[name] { settings[name] = value } }
        voiceSettings = settings.isEmpty ? nil : DubParameters.canonicalText(.object(settings))
        if case let .number(value)? = values["seed"] { seed = Int64(exactly: value) }
        if case let .bool(value)? = values["remove_background_noise"] { removeBackgroundNoise = value }
        if case let .string(value)? = values["file_format"] { fileFormat = value }
        if case let .string(value)? = values["output_format"] {
            outputFormat = value
        } else {
            outputFormat = ElevenLabsOutputFormat.defaultName
        }
        if case let .number(value)? = values["optimize_streaming_latency"] { optimizeStreamingLatency = Int(exactly: value) }
        if case let .bool(value)? = values["enable_logging"] { enableLogging = value }
        if case let .bool(value)? = values["stream"] { stream = value } else { stream = false }
    }

    /// The endpoint, for messages.
    public var operation: String { "POST /v1/speech-to-speech/\(voiceID)" + (stream ? "/stream" : "") }

    /// The multipart text fields besides `audio`, in order.
    public var formFields: [(String, String)] {
        var fields: [(String, String)] = []
        if let modelID { fields.append(("model_id", modelID)) }
        if let voiceSettings { fields.append(("voice_settings", voiceSettings)) }
        if let seed { fields.append(("seed", String(seed))) }
        if let removeBackgroundNoise { fields.append(("remove_background_noise", String(removeBackgroundNoise))) }
        if let fileFormat { fields.append(("file_format", fileFormat)) }
        return fields
    }

    /// The query parameters.
    public var query: [URLQueryItem] {
        var items = [URLQueryItem(name: "output_format", value: outputFormat)]
        if let optimizeStreamingLatency {
            items.append(URLQueryItem(name: "optimize_streaming_latency", value: String(optimizeStreamingLatency)))
        }
        if let enableLogging { items.append(URLQueryItem(name: "enable_logging", value: String(enableLogging))) }
        return items
    }
}
