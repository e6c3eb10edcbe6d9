import Foundation

/// Reads and checks the fields of a JSON request body and path parameters against the spec's
/// schemas, collecting every problem for one `invalid_arguments` answer. Unknown body fields are
/// ignored and `null` counts as absent (the tolerant reading; see docs/providers.md).
struct ArgumentReader {
    private(set) var invalid = InvalidArguments()
    private let members: [String: JSONNode]

    /// A reader for `body`; a body that is not a JSON object is itself a problem.
    init(body: Data) {
        if let node = JSONNode.parse(body), let members = node.object {
            self.members = members
        } else {
            members = [:]
            invalid.add(.body, "_errors", "Expected a JSON object body")
        }
    }

    /// A reader for a request without a body.
    init() { members = [:] }

    private func present(_ name: String) -> JSONNode? {
        guard let value = members[name], value != .null else { return nil }
        return value
    }

    /// A string field; `uuid` and `uri` formats and length bounds are checked.
    mutating func string(_ name: String, required: Bool = false, format: String? = nil,
                         length: ClosedRange<Int>? = nil) -> String? {
        guard let value = present(name) else {
            if required { invalid.add(.body, name, "Required") }
            return nil
        }
        guard let text = value.string else {
            invalid.add(.body, name, "Expected string")
            return nil
        }
        if let length, !length.contains(text.count) {
            invalid.add(.body, name, "String must contain between \(length.lowerBound) and \(length.upperBound) character(s)")
            return nil
        }
        if format == "uuid", !Self.isUUID(text) {
            invalid.add(.body, name, "Invalid uuid")
            return nil
        }
        if format == "uri", !Self.isURI(text) {
            invalid.add(.body, name, "Invalid url")
            return nil
        }
        return text
    }

    /// An integer field within `range`, or `fallback` when absent.
    mutating func integer(_ name: String, required: Bool = false, range: ClosedRange<Int64>, fallback: Int64? = nil) -> Int64? {
        guard let value = present(name) else {
            if required { invalid.add(.body, name, "Required") }
            return fallback
        }
        guard let number = value.integer else {
            invalid.add(.body, name, value.number == nil ? "Expected number" : "Expected integer")
            return nil
        }
        guard range.contains(number) else {
            invalid.add(.body, name, "Number must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return number
    }

    /// A boolean field, or `fallback` when absent.
    mutating func boolean(_ name: String, fallback: Bool) -> Bool {
        guard let value = present(name) else { return fallback }
        guard let flag = value.bool else {
            invalid.add(.body, name, "Expected boolean")
            return fallback
        }
        return flag
    }

    /// A path parameter that must be a UUID; returned lowercased.
    mutating func pathUUID(_ name: String, _ value: String) -> String {
        if !Self.isUUID(value) { invalid.add(.params, name, "Invalid uuid") }
        return value.lowercased()
    }

    /// Adds a query problem.
    mutating func queryProblem(_ name: String, _ message: String) {
        invalid.add(.query, name, message)
    }

    /// Throws `invalid_arguments` when anything was wrong.
    func check() throws(VoiceDubAPIError) {
        try invalid.check()
    }

    static func isUUID(_ text: String) -> Bool {
        text.count == 36 && UUID(uuidString: text) != nil
    }

    static func isURI(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme, !scheme.isEmpty else {
            return false
        }
        return components.host?.isEmpty == false || scheme != "http" && scheme != "https"
    }
}
