import Foundation

/// A JSON value, for provider-specific parameters and event details kept as validated JSON.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value):
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// Reads a command-line value: JSON when it parses as JSON, otherwise a plain string.
    public static func parsingArgument(_ text: String) -> JSONValue {
        if let data = text.data(using: .utf8),
           let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            return value
        }
        return .string(text)
    }
}

/// Provider-specific parameters of a dub: a JSON object with non-empty keys, stored canonically.
public struct DubParameters: Sendable, Hashable, Codable {
    /// The parameters by name.
    public private(set) var values: [String: JSONValue]

    /// No parameters.
    public static let empty = DubParameters(checked: [:])

    private init(checked values: [String: JSONValue]) {
        self.values = values
    }

    /// Validates the keys; throws naming the offending key.
    public init(_ values: [String: JSONValue] = [:]) throws(DubKitError) {
        for key in values.keys where key.isEmpty || key.count > 64
            || key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidField(
                field: "parameters", value: key.debugDescription,
                allowed: "names of 1 to 64 printable characters")
        }
        self.values = values
    }

    /// Parses `KEY=VALUE` arguments (`--param`), each VALUE read as JSON when it parses, else as text.
    public init(arguments: [String]) throws(DubKitError) {
        var values: [String: JSONValue] = [:]
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .invalidField(field: "--param", value: argument, allowed: "KEY=VALUE, e.g. language=en")
            }
            values[String(parts[0])] = JSONValue.parsingArgument(String(parts[1]))
        }
        try self.init(values)
    }

    /// Parses stored or user-given JSON text; it must be an object.
    public init(json: String) throws(DubKitError) {
        guard let data = json.data(using: .utf8),
              let value = try? JSONDecoder().decode(JSONValue.self, from: data),
              case let .object(object) = value
        else {
            throw .invalidField(field: "parameters", value: json, allowed: "a JSON object such as {\"denoise\": true}")
        }
        try self.init(object)
    }

    /// The canonical JSON text (sorted keys) written to the store.
    public var json: String { Self.canonical(.object(values)) }

    /// Any JSON value as canonical text: sorted keys, no escaped slashes.
    public static func canonicalText(_ value: JSONValue) -> String { canonical(value) }

    static func canonical(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.singleValueContainer().decode([String: JSONValue].self)
        try self.init(values)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
