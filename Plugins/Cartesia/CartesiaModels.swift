import Foundation

/// A voice as `GET /voices` and `GET /fine-tunes/{id}/voices` list it (the fields the adapter reads).
public struct CartesiaVoice: Codable, Sendable, Hashable {
    public var id: String
    public var name: String?
    public var description: String?
    /// ISO 639-1 code, e.g. `en`.
    public var language: String?
    /// `masculine`, `feminine` or `gender_neutral`, when Cartesia says.
    public var gender: String?
    public var isOwner: Bool?
    public var isPublic: Bool?
    public var createdAt: String?

    public init(id: String, name: String?, description: String? = nil, language: String? = nil, gender: String? = nil,
                isOwner: Bool? = false, isPublic: Bool? = true, createdAt: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.language = language
        self.gender = gender
        self.isOwner = isOwner
        self.isPublic = isPublic
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, language, gender
        case isOwner = "is_owner"
        case isPublic = "is_public"
        case createdAt = "created_at"
    }
}

/// One page of a Cartesia list: `{data, has_more, next_page}`; `next_page` (when sent) or the last
/// item's id is the next page's `starting_after`.
public struct CartesiaPage<Item: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var data: [Item]
    public var hasMore: Bool
    public var nextPage: String?

    public init(data: [Item], hasMore: Bool, nextPage: String? = nil) {
        self.data = data
        self.hasMore = hasMore
        self.nextPage = nextPage
    }

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case nextPage = "next_page"
    }
}

/// A dataset (`POST /datasets`, `GET /datasets/{id}`).
public struct CartesiaDataset: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String?
    public var createdAt: String?

    public init(id: String, name: String, description: String?, createdAt: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case createdAt = "created_at"
    }
}

/// `POST /datasets`'s body.
struct CartesiaCreateDataset: Codable, Sendable {
    var name: String
    var description: String
}

/// A file of a dataset (`GET /datasets/{id}/files`).
public struct CartesiaDatasetFile: Codable, Sendable, Hashable {
    public var id: String
    public var filename: String
    public var size: Int64?
    public var createdAt: String?

    public init(id: String, filename: String, size: Int64?, createdAt: String? = nil) {
        self.id = id
        self.filename = filename
        self.size = size
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, filename, size
        case createdAt = "created_at"
    }
}

/// Where a fine-tune stands: `created` → `training` → `completed` | `failed`.
public enum CartesiaFineTuneStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case created, training, completed, failed
}

/// A fine-tune (`POST /fine-tunes`, `GET /fine-tunes/{id}`, `GET /fine-tunes`).
public struct CartesiaFineTune: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String
    public var language: String
    public var modelID: String
    /// The dataset's id.
    public var dataset: String
    public var status: CartesiaFineTuneStatus

    public init(id: String, name: String, description: String, language: String, modelID: String, dataset: String,
                status: CartesiaFineTuneStatus) {
        self.id = id
        self.name = name
        self.description = description
        self.language = language
        self.modelID = modelID
        self.dataset = dataset
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, language, dataset, status
        case modelID = "model_id"
    }
}

/// `POST /fine-tunes`'s body; every field is required.
public struct CartesiaCreateFineTune: Codable, Sendable, Hashable {
    public var name: String
    public var description: String
    public var language: String
    public var modelID: String
    public var dataset: String

    public init(name: String, description: String, language: String, modelID: String, dataset: String) {
        self.name = name
        self.description = description
        self.language = language
        self.modelID = modelID
        self.dataset = dataset
    }

    enum CodingKeys: String, CodingKey {
        case name, description, language, dataset
        case modelID = "model_id"
    }
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

/// One event of `POST /voice-changer/sse`: `{type: chunk, data, step_time, status_code, done}`,
/// `{type: done, status_code, done: true}` or `{type: error, error | title + message + error_code,
/// status_code, done}`.
struct CartesiaStreamEvent: Decodable {
    var type: String?
    /// Base64 audio of a chunk.
    var data: String?
    var done: Bool?
    var statusCode: Int?
    var stepTime: Double?
    /// The message of an error event (older form).
    var error: String?
    var title: String?
    var message: String?
    var errorCode: String?

    enum CodingKeys: String, CodingKey {
        case type, data, done, error, title, message
        case statusCode = "status_code"
        case stepTime = "step_time"
        case errorCode = "error_code"
    }
}
