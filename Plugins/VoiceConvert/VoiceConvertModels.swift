import DubKit
import Foundation

/// The body of `POST /api/v2/voice/convert`; options left nil are not sent.
public struct VoiceConvertRequest: Codable, Sendable, Hashable {
    public var sourceAudioURL: String
    public var referenceAudioURL: String
    public var diffusionSteps: Int?
    public var lengthAdjust: Double?
    public var inferenceCfgRate: Double?
    public var autoF0Adjust: Bool?
    public var pitchShift: Int?
    public var returnFormat: String?
    public var enableSeparation: Bool?
    public var vocalsGain: Double?
    public var accompanimentGain: Double?
    public var metadata: JSONValue?

    /// A request for the two URLs; options left nil are the service's defaults.
    public init(sourceAudioURL: String, referenceAudioURL: String, diffusionSteps: Int? = nil, lengthAdjust: Double? = nil,
                inferenceCfgRate: Double? = nil, autoF0Adjust: Bool? = nil, pitchShift: Int? = nil, returnFormat: String? = nil,
                enableSeparation: Bool? = nil, vocalsGain: Double? = nil, accompanimentGain: Double? = nil,
                metadata: JSONValue? = nil) {
        self.sourceAudioURL = sourceAudioURL
        self.referenceAudioURL = referenceAudioURL
        self.diffusionSteps = diffusionSteps
        self.lengthAdjust = lengthAdjust
        self.inferenceCfgRate = inferenceCfgRate
        self.autoF0Adjust = autoF0Adjust
        self.pitchShift = pitchShift
        self.returnFormat = returnFormat
        self.enableSeparation = enableSeparation
        self.vocalsGain = vocalsGain
        self.accompanimentGain = accompanimentGain
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case sourceAudioURL = "source_audio_url", referenceAudioURL = "reference_audio_url"
        case diffusionSteps = "diffusion_steps", lengthAdjust = "length_adjust", inferenceCfgRate = "inference_cfg_rate"
        case autoF0Adjust = "auto_f0_adjust", pitchShift = "pitch_shift", returnFormat = "return_format"
        case enableSeparation = "enable_separation", vocalsGain = "vocals_gain", accompanimentGain = "accompaniment_gain"
        case metadata
    }
}

/// The 202 answer to a conversion: the task to poll.
public struct VoiceConvertAccepted: Codable, Sendable, Hashable {
    public var taskID: String
    public var status: String?
    public var createdAt: Int64?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", status, createdAt = "created_at"
    }
}

/// A task as `GET /api/v2/tasks/{task_id}` answers it; the result fields appear once it completed.
public struct VoiceConvertTask: Codable, Sendable, Hashable {
    /// A failed task's reason.
    public struct Failure: Codable, Sendable, Hashable {
        public var code: String?
        public var message: String?
        public var type: String?
    }

    public var taskID: String?
    /// `pending`, `processing`, then `completed`, `failed` or `cancelled`.
    public var status: String
    public var progress: Double?
    public var error: Failure?
    public var creditsUsed: Int64?
    public var audioURL: String?
    public var format: String?
    public var degraded: Bool?
    public var providerUsed: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", status, progress, error, creditsUsed = "credits_used", audioURL = "audioUrl", format
        case degraded, providerUsed
    }
}

/// An error answer: `{error: {code, type, message}}` (or a bare `{code, message}`).
struct VoiceConvertErrorBody: Decodable {
    struct Detail: Decodable {
        var code: String?
        var type: String?
        var message: String?
    }

    var error: Detail?
    var code: String?
    var message: String?

    var detail: Detail {
        error ?? Detail(code: code, type: nil, message: message)
    }
}
