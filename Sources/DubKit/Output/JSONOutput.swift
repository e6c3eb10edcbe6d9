import Foundation

/// The JSON the command line prints: lowerCamelCase keys (the store's snake_case converted), ISO-8601
/// times in UTC, sorted keys, slashes unescaped, and every key of every object present (`null` when
/// the value is absent, see ``KeepingNulls``). Shared by every `--json` output and by
/// ``DubListJSON``, which writes the same bytes for dubs without an encoder.
public enum JSONOutput {
    /// `value` as the command line prints it: every key kept, pretty-printed or on one line.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool) throws -> Data {
        try encoder(pretty: pretty).encode(KeepingNulls(value))
    }

    /// An encoder with the output's settings, pretty-printed or on one line (absent values are left
    /// out unless the value is wrapped as ``encode(_:pretty:)`` does).
    public static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // The store's snake_case keys repeat on every row: convert each once (a listing of 10,000
        // dubs otherwise spends a third of its time here).
        let keys = CamelKeyCache()
        encoder.keyEncodingStrategy = .custom { path in keys.key(for: path.last?.stringValue ?? "") }
        return encoder
    }

    /// `snake_case` → `snakeCase`; keys without underscores are left as they are.
    public static func camelCase(_ key: String) -> String {
        let parts = key.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first, parts.count > 1 else { return key }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

/// Converted keys by their snake_case form, shared by one encoding.
private final class CamelKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: CamelKey] = [:]

    func key(for name: String) -> CamelKey {
        lock.lock()
        defer { lock.unlock() }
        if let known = keys[name] { return known }
        let key = CamelKey(stringValue: JSONOutput.camelCase(name))
        keys[name] = key
        return key
    }
}

private struct CamelKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
