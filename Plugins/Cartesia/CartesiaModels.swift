import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

// MARK: Wire types (the fields the adapter reads; others are ignored)

/// A voice as `GET /voices` and `GET /fine-tunes/{id}/voices` list it.
public struct CartesiaVoice: Codable, Sendable, Hashable {
    public var id: String
    public var name: String?
    public var description: String?
    /// ISO 639-1 code, e.g. `en`.
    public var language: String?
    /// `masculine`, `feminine` or `gender_neutral`, when Cartesia says.
    public var gender: String?
}

/// One page of a Cartesia list: `{data, has_more, next_page}`; `next_page` (when sent) or the last
/// item's id is the next page's `starting_after`.
public struct CartesiaPage<Item: Codable & Sendable & Hashable & Identifiable>: Codable, Sendable, Hashable where Item.ID == String {
    public var data: [Item]
    public var hasMore: Bool
    public var nextPage: String?

    /// The next page's `starting_after`, nil on the last page.
    public var cursor: String? { hasMore ? (nextPage ?? data.last?.id) : nil }

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case nextPage = "next_page"
    }
}

extension CartesiaVoice: Identifiable {}

/// A dataset (`POST /datasets`).
public struct CartesiaDataset: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String?
}

/// `POST /datasets`'s body.
struct CartesiaCreateDataset: Codable, Sendable {
    var name: String
    var description: String
}

/// A file of a dataset (`GET /datasets/{id}/files`).
public struct CartesiaDatasetFile: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var filename: String
}

/// Where a fine-tune stands: `created` → `training` → `completed` | `failed`.
public enum CartesiaFineTuneStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case created, training, completed, failed
}

/// `POST /fine-tunes`'s body; every field is required.
public struct CartesiaCreateFineTune: Codable, Sendable, Hashable {
    public var name: String
    public var description: String
    public var language: String
    public var modelID: String
    /// The dataset's id.
    public var dataset: String

    enum CodingKeys: String, CodingKey {
        case name, description, language, dataset
        case modelID = "model_id"
    }
}

/// A fine-tune (`POST /fine-tunes`, `GET /fine-tunes/{id}`, `GET /fine-tunes`).
public struct CartesiaFineTune: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// The dataset's id.
    public var dataset: String
    public var status: CartesiaFineTuneStatus
}

/// An error body of the newer API versions: `{error_code, title, message, request_id}` (every field
/// optional here; older versions answer plain text).
struct CartesiaErrorBody: Decodable {
    var errorCode: String?
    var title: String?
    var message: String?
    var requestID: String?

    enum CodingKeys: String, CodingKey {
        case title, message
        case errorCode = "error_code"
        case requestID = "request_id"
    }
}

/// One event of `POST /voice-changer/sse`: `{type: chunk, data, status_code, done}`, `{type: done,
/// status_code, done: true}` or `{type: error, error | title + message + error_code, status_code, done}`.
struct CartesiaStreamEvent: Decodable {
    var type: String?
    /// Base64 audio of a chunk.
    var data: String?
    var done: Bool?
    var statusCode: Int?
    /// The message of an error event (older form).
    var error: String?
    var title: String?
    var message: String?
    var errorCode: String?

    enum CodingKeys: String, CodingKey {
        case type, data, done, error, title, message
        case statusCode = "status_code"
        case errorCode = "error_code"
    }

    /// What a server-sent event of the stream carries. One JSON object per `data:` line is the usual
    /// framing; lines that came without a blank line between them are read one by one.
    @Sendable static func read(_ event: ServerSentEvent) -> [AudioStreamEvent] {
        let decoder = JSONDecoder()
        if let whole = try? decoder.decode(Self.self, from: Data(event.data.utf8)) { return whole.said }
        let lines = event.data.split(separator: "\n").map { try? decoder.decode(Self.self, from: Data($0.utf8)) }
        guard lines.count > 1, lines.allSatisfy({ $0 != nil }) else {
            return [.malformed("an event that is not JSON: \(String(event.data.prefix(80)))")]
        }
        return lines.compactMap { $0 }.flatMap(\.said)
    }

    /// The event in the kit's words: a chunk's audio, the end, an error; other types (timestamps,
    /// flush acknowledgements) carry nothing.
    private var said: [AudioStreamEvent] {
        switch type {
        case "chunk"?:
            guard let data else { return done == true ? [.done] : [] }
            guard let audio = Data(base64Encoded: data) else { return [.malformed("a chunk whose data is not base64")] }
            return [.audio(audio)] + (done == true ? [.done] : [])
        case "done"?: return [.done]
        case "error"?:
            let text = [title, message ?? error].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return [.failed(status: statusCode, code: errorCode ?? "stream_error", message: text.isEmpty ? "(no details)" : text)]
        default: return done == true && type == nil ? [.done] : []
        }
    }
}

// MARK: Requests built from a dub

/// The `output_format` of one voice changer request, built from a dub's parameters by the seed's
/// rules: `encoding` is required for raw and wav, `bit_rate` for mp3, the rate one of six.
public struct CartesiaOutputFormat: Codable, Sendable, Hashable, CustomStringConvertible {
    /// `output_format[container]`.
    public enum Container: String, Codable, Sendable, Hashable {
        case raw, wav, mp3
    }

    /// `output_format[encoding]`.
    public enum Encoding: String, Codable, Sendable, Hashable, CaseIterable {
        case pcmF32le = "pcm_f32le", pcmS16le = "pcm_s16le", pcmMulaw = "pcm_mulaw", pcmAlaw = "pcm_alaw"

        /// Bytes one sample takes.
        public var bytesPerSample: Int {
            switch self {
            case .pcmF32le: 4
            case .pcmS16le: 2
            case .pcmMulaw, .pcmAlaw: 1
            }
        }

        /// How a WAV of this encoding stores its samples.
        public var wav: RawAudioWAV.Encoding {
            switch self {
            case .pcmF32le: .f32le
            case .pcmS16le: .s16le
            case .pcmMulaw: .muLaw
            case .pcmAlaw: .aLaw
            }
        }
    }

    public var container: Container
    public var sampleRate: Int
    /// Set for raw and wav.
    public var encoding: Encoding?
    /// Set for mp3, in bits per second.
    public var bitRate: Int?

    /// The format a dub's parameters ask for (they passed the descriptor's checks); throws naming the
    /// field when a rule of the seed between them is broken.
    public init(parameters values: [String: JSONValue], stream: Bool) throws(CartesiaError) {
        let given = CartesiaConversion.text(values["container"]).flatMap(Container.init(rawValue:))
        container = given ?? (stream ? .raw : .wav)
        sampleRate = CartesiaDescriptor.defaultSampleRate
        if let value = values["sample_rate"] {
            guard let rate = CartesiaConversion.whole(value), CartesiaDescriptor.sampleRates.contains(rate) else {
                throw .invalidValue(field: "sample_rate", value: DubParameters.canonicalText(value),
                                    allowed: CartesiaDescriptor.sampleRates.map(String.init).joined(separator: ", "))
            }
            sampleRate = rate
        }
        encoding = CartesiaConversion.text(values["encoding"]).flatMap(Encoding.init(rawValue:))
        if let value = values["bit_rate"] {
            guard let rate = CartesiaConversion.whole(value), CartesiaDescriptor.bitRates.contains(rate) else {
                throw .invalidValue(field: "bit_rate", value: DubParameters.canonicalText(value),
                                    allowed: CartesiaDescriptor.bitRates.map(String.init).joined(separator: ", ") + " bits a second")
            }
            bitRate = rate
        }
        if stream && container != .raw {
            throw .invalidValue(field: "container", value: container.rawValue,
                                allowed: "raw with stream=true (the SSE endpoint sends raw samples); drop stream=true for \(container.rawValue)")
        }
        switch container {
        case .raw, .wav:
            if encoding == nil {
                // Only a format left wholly to DubKit gets the default; a container chosen needs its encoding.
                guard given == nil else {
                    throw .invalidValue(field: "encoding", value: "none",
                                        allowed: "one of \(CartesiaDescriptor.encodings.joined(separator: ", ")): Cartesia requires output_format[encoding] for the \(container.rawValue) container")
                }
                encoding = .pcmS16le
            }
            if let bitRate {
                throw .invalidValue(field: "bit_rate", value: String(bitRate),
                                    allowed: "no bit_rate with the \(container.rawValue) container (it is for mp3 only)")
            }
        case .mp3:
            guard bitRate != nil else {
                throw .invalidValue(field: "bit_rate", value: "none",
                                    allowed: "one of \(CartesiaDescriptor.bitRates.map(String.init).joined(separator: ", ")): Cartesia requires output_format[bit_rate] for the mp3 container")
            }
            if let encoding {
                throw .invalidValue(field: "encoding", value: encoding.rawValue,
                                    allowed: "no encoding with the mp3 container (it is for raw and wav only)")
            }
        }
    }

    public var description: String {
        [container.rawValue, encoding?.rawValue, String(sampleRate), bitRate.map { "\($0 / 1000)k" }].compactMap { $0 }.joined(separator: " ")
    }

    /// The multipart fields, in order.
    public var formFields: [(String, String)] {
        var fields = [("output_format[container]", container.rawValue), ("output_format[sample_rate]", String(sampleRate))]
        if let encoding { fields.append(("output_format[encoding]", encoding.rawValue)) }
        if let bitRate { fields.append(("output_format[bit_rate]", String(bitRate))) }
        return fields
    }

    /// What the answer is and how it is stored: raw samples wrapped into a WAV, checked to decode with
    /// the codec and at the rate asked for.
    func answer(operation: String) -> ConversionAnswer {
        let samples = encoding ?? .pcmS16le
        return ConversionAnswer(operation: operation, formatName: description, rawEncoding: container == .raw ? samples.wav : nil,
                                sampleRate: sampleRate, codecName: container == .mp3 ? "mp3" : samples.rawValue,
                                fileExtension: container == .mp3 ? "mp3" : "wav",
                                bytesPerSecond: container == .mp3 ? (bitRate ?? 128_000) / 8 : sampleRate * samples.bytesPerSample)
    }
}

/// What one voice changer request asks for, built from a dub once its parameters passed the checks.
public struct CartesiaConversion: Codable, Sendable, Hashable {
    /// `voice[id]`.
    public var voiceID: String
    public var format: CartesiaOutputFormat
    /// `POST /voice-changer/sse` instead of `/bytes`.
    public var stream: Bool

    /// Builds the request; `parameters` must have passed ``ProviderDescriptor/validate(pitchShift:parameters:)``.
    public init(voiceID: String, parameters: DubParameters) throws(CartesiaError) {
        self.voiceID = voiceID
        if case let .bool(flag)? = parameters.values["stream"] { stream = flag } else { stream = false }
        format = try CartesiaOutputFormat(parameters: parameters.values, stream: stream)
    }

    /// The endpoint, for messages.
    public var operation: String { stream ? "POST /voice-changer/sse" : "POST /voice-changer/bytes" }

    /// The multipart text fields besides `clip`, in order.
    public var formFields: [(String, String)] {
        [("voice[id]", voiceID)] + format.formFields
    }

    static func text(_ value: JSONValue?) -> String? {
        if case let .string(text)? = value { text } else { nil }
    }

    static func whole(_ value: JSONValue?) -> Int? {
        if case let .number(number)? = value { Int(exactly: number) } else { nil }
    }
}

// MARK: Records the adapter keeps

/// A Cartesia training as the adapter keeps it between steps and processes: the dataset (whose id is
/// the voice's provider id in the project), the fine-tune request's fields, which files the dataset
/// holds, and the fine-tune once it was created. An intent is written before each request that
/// changes something at Cartesia, so a process that stops before the answer is recorded looks the
/// dataset's files or the account's fine-tunes up instead of sending the request again.
struct CartesiaTraining: JobRecord {
    var datasetID: String
    var name: String
    var description: String
    var language: String
    var modelID: String
    /// Files known to be in the dataset: the name uploaded under, and Cartesia's file id when known.
    var uploaded: [String: String] = [:]
    /// A file whose upload was sent without its answer being recorded.
    var pendingUpload: String?
    /// Set right before `POST /fine-tunes` is sent.
    var fineTuneRequestedAt: Date?
    var fineTuneID: String?
    var status: CartesiaFineTuneStatus?
    /// The voice the completed fine-tune made (`GET /fine-tunes/{id}/voices`), used for dubs.
    var voiceID: String?
    var voiceName: String?

    /// A training is named by its Cartesia dataset's id.
    var id: String { datasetID }

    /// The `POST /fine-tunes` body.
    var fineTuneRequest: CartesiaCreateFineTune {
        CartesiaCreateFineTune(name: name, description: description, language: language, modelID: modelID, dataset: datasetID)
    }
}

extension JobFolder where Record == CartesiaTraining, Failure == CartesiaError {
    /// The trainings of the state folder: `trainings/<dataset id>.json`.
    init(trainings stateFolder: URL) {
        self.init(stateFolder.appendingPathComponent("trainings", isDirectory: true)) { error in
            guard let path = error.path else {
                return .invalidValue(field: "id", value: error.detail, allowed: "a Cartesia id (letters, digits, - and _)")
            }
            return .jobState(path: path, detail: "training of dataset: " + error.detail + "; train the voice again under a new name")
        }
    }
}
