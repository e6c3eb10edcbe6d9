import DubKit
import Foundation

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

        /// FFmpeg's name of the codec a WAV of this encoding decodes with.
        public var codecName: String { rawValue }
    }

    public var container: Container
    public var sampleRate: Int
    /// Set for raw and wav.
    public var encoding: Encoding?
    /// Set for mp3, in bits per second.
    public var bitRate: Int?

    /// What is sent when a dub names no output format: 16-bit PCM at 44.1 kHz, in a WAV (raw when streamed).
    public static func standard(stream: Bool) -> CartesiaOutputFormat {
        CartesiaOutputFormat(container: stream ? .raw : .wav, sampleRate: CartesiaDescriptor.defaultSampleRate,
                             encoding: .pcmS16le, bitRate: nil)
    }

    public init(container: Container, sampleRate: Int, encoding: Encoding?, bitRate: Int?) {
        self.container = container
        self.sampleRate = sampleRate
        self.encoding = encoding
        self.bitRate = bitRate
    }

    /// The format a dub's parameters ask for; throws naming the field when a rule of the seed is broken.
    public init(parameters values: [String: JSONValue], stream: Bool) throws(CartesiaError) {
        let given: Container?
        switch values["container"] {
        case nil: given = nil
        case let .string(text)?:
            guard let container = Container(rawValue: text) else {
                throw .invalidValue(field: "container", value: text.debugDescription, allowed: "raw, wav or mp3")
            }
            given = container
        case let other?: throw .invalidValue(field: "container", value: DubParameters.canonicalText(other), allowed: "raw, wav or mp3")
        }
        let container = given ?? (stream ? .raw : .wav)
        var rate = CartesiaDescriptor.defaultSampleRate
        if let value = values["sample_rate"] {
            guard case let .number(number) = value, let whole = Int(exactly: number), CartesiaDescriptor.sampleRates.contains(whole) else {
                throw .invalidValue(field: "sample_rate", value: DubParameters.canonicalText(value),
                                    allowed: CartesiaDescriptor.sampleRates.map(String.init).joined(separator: ", "))
            }
            rate = whole
        }
        var encoding: Encoding?
        if let value = values["encoding"] {
            guard case let .string(text) = value, let known = Encoding(rawValue: text) else {
                throw .invalidValue(field: "encoding", value: DubParameters.canonicalText(value), allowed: CartesiaDescriptor.encodings.joined(separator: ", "))
            }
            encoding = known
        }
        var bitRate: Int?
        if let value = values["bit_rate"] {
            guard case let .number(number) = value, let whole = Int(exactly: number), CartesiaDescriptor.bitRates.contains(whole) else {
                throw .invalidValue(field: "bit_rate", value: DubParameters.canonicalText(value),
                                    allowed: CartesiaDescriptor.bitRates.map(String.init).joined(separator: ", ") + " bits a second")
            }
            bitRate = whole
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
        self.init(container: container, sampleRate: rate, encoding: encoding, bitRate: bitRate)
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

    /// The stored result's extension: raw samples are wrapped into a WAV.
    public var fileExtension: String { container == .mp3 ? "mp3" : "wav" }

    /// The codec the stored result decodes with.
    public var codecName: String { container == .mp3 ? "mp3" : (encoding ?? .pcmS16le).codecName }

    /// Bytes one second of audio takes in the answer (for progress).
    public var bytesPerSecond: Int {
        container == .mp3 ? (bitRate ?? 128_000) / 8 : sampleRate * (encoding ?? .pcmS16le).bytesPerSample
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
        var stream = false
        if let value = parameters.values["stream"] {
            guard case let .bool(flag) = value else { throw .invalidValue(field: "stream", value: DubParameters.canonicalText(value), allowed: "true or false") }
            stream = flag
        }
        self.stream = stream
        format = try CartesiaOutputFormat(parameters: parameters.values, stream: stream)
    }

    /// The endpoint, for messages.
    public var operation: String { stream ? "POST /voice-changer/sse" : "POST /voice-changer/bytes" }

    /// The multipart text fields besides `clip`, in order.
    public var formFields: [(String, String)] {
        [("voice[id]", voiceID)] + format.formFields
    }
}
