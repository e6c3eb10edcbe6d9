/// A project's name, checked so that it names exactly one folder directly inside the workspace.
public struct ProjectName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The longest name accepted.
    public static let maxLength = 64

    /// The validated name.
    public let rawValue: String

    /// Validates `text`; the error says which rule it breaks.
    public init(_ text: String) throws(DubKitError) {
        func refuse(_ reason: String) -> DubKitError { .invalidProjectName(name: text, reason: reason) }
        if text.isEmpty { throw refuse("it is empty") }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw refuse("it contains a control character")
        }
        if text.hasPrefix("/") || text.hasPrefix("~") { throw refuse("it is an absolute path, not a name") }
        if text.contains("/") || text.contains("\\") { throw refuse("it contains a path separator") }
        if text == "." || text == ".." { throw refuse("it names a folder outside the workspace") }
        if text.hasPrefix(".") { throw refuse("it starts with '.' (hidden and reserved names)") }
        if text.hasPrefix("-") { throw refuse("it starts with '-', which reads as an option") }
        if text.count > Self.maxLength { throw refuse("it is longer than \(Self.maxLength) characters") }
        if let bad = text.unicodeScalars.first(where: { !Self.allowed($0) }) {
            throw refuse("it contains \(String(bad).debugDescription); use letters, digits, '-', '_' or '.'")
        }
        rawValue = text
    }

    private static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": true
        default: false
        }
    }

    public var description: String { rawValue }
}
