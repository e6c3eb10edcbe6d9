import Foundation

/// Checks a JSON value against a JSON Schema, for the keywords the VoiceDub spec uses: `$ref`
/// (local), `type` (one or several, `integer` included), `nullable`, `properties`, `required`,
/// `additionalProperties`, `items`, `enum`, `const`, `format` (`uuid`, `uri`, `date-time`),
/// `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems`, `oneOf`/`anyOf`/`allOf`.
/// Annotations (`description`, `example`, `default`, `openapi`) are ignored.
public struct JSONSchemaValidator: Sendable {
    /// The document `$ref`s are resolved in.
    public let root: JSONNode

    /// A validator resolving references in `root`.
    public init(root: JSONNode) { self.root = root }

    /// Every way `value` breaks `schema`, each naming the JSON path (`$.dub.status`); empty when valid.
    public func problems(_ value: JSONNode, against schema: JSONNode, at path: String = "$") -> [String] {
        guard case .object(let keywords) = schema else { return [] }
        if let reference = keywords["$ref"]?.string {
            guard let target = resolve(reference) else { return ["\(path): unresolvable $ref \(reference)"] }
            return problems(value, against: target, at: path)
        }
        var found: [String] = []
        if let types = Self.types(keywords["type"]) {
            let allowed = keywords["nullable"]?.bool == true ? types + ["null"] : types
            if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                return ["\(path): expected \(allowed.joined(separator: " or ")), got \(Self.describe(value))"]
            }
        }
        if let options = keywords["enum"]?.array, !options.contains(value) {
            found.append("\(path): \(Self.describe(value)) is not one of \(options.compactMap(\.string))")
        }
        if let constant = keywords["const"], constant != value {
            found.append("\(path): expected \(Self.describe(constant)), got \(Self.describe(value))")
        }
        found += stringProblems(value, keywords, path)
        found += numberProblems(value, keywords, path)
        found += objectProblems(value, keywords, path)
        found += arrayProblems(value, keywords, path)
        found += combinationProblems(value, keywords, path)
        return found
    }

    private func resolve(_ reference: String) -> JSONNode? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONNode? = root
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    private func stringProblems(_ value: JSONNode, _ keywords: [String: JSONNode], _ path: String) -> [String] {
        guard let text = value.string else { return [] }
        var found: [String] = []
        if let minimum = keywords["minLength"]?.integer, text.count < minimum {
            found.append("\(path): shorter than \(minimum) characters")
        }
        if let maximum = keywords["maxLength"]?.integer, text.count > maximum {
            found.append("\(path): longer than \(maximum) characters")
        }
        switch keywords["format"]?.string {
        case "uuid" where text.count != 36 || UUID(uuidString: text) == nil:
            found.append("\(path): \"\(text)\" is not a uuid")
        case "uri" where URLComponents(string: text)?.scheme?.isEmpty != false:
            found.append("\(path): \"\(text)\" is not a uri")
        case "date-time" where ISO8601DateFormatter.withFraction.date(from: text) == nil
            && ISO8601DateFormatter().date(from: text) == nil:
            found.append("\(path): \"\(text)\" is not a date-time")
        default: break
        }
        return found
    }

    private func numberProblems(_ value: JSONNode, _ keywords: [String: JSONNode], _ path: String) -> [String] {
        guard let number = value.number else { return [] }
        var found: [String] = []
        if let minimum = keywords["minimum"]?.number, number < minimum { found.append("\(path): \(number) < \(minimum)") }
        if let maximum = keywords["maximum"]?.number, number > maximum { found.append("\(path): \(number) > \(maximum)") }
        return found
    }

    private func objectProblems(_ value: JSONNode, _ keywords: [String: JSONNode], _ path: String) -> [String] {
        guard let members = value.object else { return [] }
        var found: [String] = []
        for name in keywords["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
            found.append("\(path): missing required \"\(name)\"")
        }
        let properties = keywords["properties"]?.object ?? [:]
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                found += problems(member, against: schema, at: "\(path).\(name)")
            } else if let extra = keywords["additionalProperties"] {
                if extra == .bool(false) {
                    found.append("\(path): unexpected member \"\(name)\"")
                } else if extra.object != nil {
                    found += problems(member, against: extra, at: "\(path).\(name)")
                }
            }
        }
        return found
    }

    private func arrayProblems(_ value: JSONNode, _ keywords: [String: JSONNode], _ path: String) -> [String] {
        guard let elements = value.array else { return [] }
        var found: [String] = []
        if let minimum = keywords["minItems"]?.integer, elements.count < minimum {
            found.append("\(path): fewer than \(minimum) items")
        }
        if let maximum = keywords["maxItems"]?.integer, elements.count > maximum {
            found.append("\(path): more than \(maximum) items")
        }
        if let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                found += problems(element, against: items, at: "\(path)[\(index)]")
            }
        }
        return found
    }

    private func combinationProblems(_ value: JSONNode, _ keywords: [String: JSONNode], _ path: String) -> [String] {
        var found: [String] = []
        for schema in keywords["allOf"]?.array ?? [] {
            found += problems(value, against: schema, at: path)
        }
        if let options = keywords["anyOf"]?.array,
           !options.contains(where: { problems(value, against: $0, at: path).isEmpty }) {
            found.append("\(path): matches none of anyOf")
        }
        if let options = keywords["oneOf"]?.array {
            let matching = options.filter { problems(value, against: $0, at: path).isEmpty }.count
            if matching != 1 { found.append("\(path): matches \(matching) of oneOf, not exactly one") }
        }
        return found
    }

    private static func types(_ node: JSONNode?) -> [String]? {
        switch node {
        case .string(let name): [name]
        case .array(let names): names.compactMap(\.string)
        default: nil
        }
    }

    private static func matches(_ value: JSONNode, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
             ("array", .array), ("object", .object): true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    private static func describe(_ value: JSONNode) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): String(flag)
        case .number(let number): String(number)
        case .string(let text): "\"\(text)\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}

private extension ISO8601DateFormatter {
    static var withFraction: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
