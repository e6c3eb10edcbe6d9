/// One provider-specific parameter: its name, kind and allowed values.
///
/// JSON form: `{"name": "strength", "kind": "number", "min": 0, "max": 1, "summary": "…"}`; kinds
/// `integer` and `number` (min, max), `bool`, `choice` (values), `text` (maxLength).
public struct ParameterSpec: Sendable, Hashable, Codable {
    /// The kinds of value a parameter takes.
    public enum Kind: Sendable, Hashable {
        case integer(ClosedRange<Int64>)
        case number(ClosedRange<Double>)
        case bool
        case choice([String])
        case text(maxLength: Int)
    }

    public var name: String
    public var kind: Kind
    /// What it does, for `provider list` and help.
    public var summary: String

    public init(_ name: String, _ kind: Kind, _ summary: String = "") {
        self.name = name
        self.kind = kind
        self.summary = summary
    }

    private enum Keys: String, CodingKey { case name, kind, summary, min, max, values, maxLength }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? ""
        switch try container.decode(String.self, forKey: .kind) {
        case "integer":
            let low = try container.decode(Int64.self, forKey: .min), high = try container.decode(Int64.self, forKey: .max)
            guard low <= high else { throw DecodingError.dataCorruptedError(forKey: .max, in: container, debugDescription: "max < min") }
            kind = .integer(low...high)
        case "number":
            let low = try container.decode(Double.self, forKey: .min), high = try container.decode(Double.self, forKey: .max)
            guard low <= high else { throw DecodingError.dataCorruptedError(forKey: .max, in: container, debugDescription: "max < min") }
            kind = .number(low...high)
        case "bool": kind = .bool
        case "choice": kind = .choice(try container.decode([String].self, forKey: .values))
        case "text": kind = .text(maxLength: try container.decode(Int.self, forKey: .maxLength))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container,
                debugDescription: "parameter kind '\(other)' is not integer, number, bool, choice or text")
        }
    }

    /// Every kind is written with all the keys (null where the kind has no such bound), so the
    /// `--json` shape is one.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let bounds: Set<Keys> = switch kind {
        case .integer, .number: [.min, .max]
        case .bool: []
        case .choice: [.values]
        case .text: [.maxLength]
        }
        for key in [Keys.min, .max, .values, .maxLength] where !bounds.contains(key) { try container.encodeNil(forKey: key) }
        try container.encode(name, forKey: .name)
        try container.encode(summary, forKey: .summary)
        switch kind {
        case let .integer(range):
            try container.encode("integer", forKey: .kind)
            try container.encode(range.lowerBound, forKey: .min)
            try container.encode(range.upperBound, forKey: .max)
        case let .number(range):
            try container.encode("number", forKey: .kind)
            try container.encode(range.lowerBound, forKey: .min)
            try container.encode(range.upperBound, forKey: .max)
        case .bool:
            try container.encode("bool", forKey: .kind)
        case let .choice(values):
            try container.encode("choice", forKey: .kind)
            try container.encode(values, forKey: .values)
        case let .text(maxLength):
            try container.encode("text", forKey: .kind)
            try container.encode(maxLength, forKey: .maxLength)
        }
    }

    /// What is allowed, for messages: `0...1`, `one of mp3, wav`, `true or false`.
    public var allowed: String {
        switch kind {
        case let .integer(range): "whole numbers \(range.lowerBound)...\(range.upperBound)"
        case let .number(range): "\(range.lowerBound)...\(range.upperBound)"
        case .bool: "true or false"
        case let .choice(values): "one of " + values.joined(separator: ", ")
        case let .text(maxLength): "text of at most \(maxLength) characters"
        }
    }

    /// Throws ``ProviderError/invalidParameter(provider:field:value:allowed:)`` unless `value` fits.
    public func check(_ value: JSONValue, provider: String) throws(ProviderError) {
        let fits: Bool = switch (kind, value) {
        case let (.integer(range), .number(number)): number.rounded() == number && range.contains(Int64(exactly: number) ?? Int64.max)
        case let (.number(range), .number(number)): range.contains(number)
        case (.bool, .bool): true
        case let (.choice(values), .string(text)): values.contains(text)
        case let (.text(maxLength), .string(text)): text.count <= maxLength
        default: false
        }
        guard fits else {
            throw .invalidParameter(provider: provider, field: name, value: value.text, allowed: allowed)
        }
    }
}
