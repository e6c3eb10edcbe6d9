import Foundation

/// The keys a type's JSON object has, read from its own `Decodable` conformance (which asks for every
/// key it knows), without a value of it: for writing a placeholder of the same shape, every value
/// null, where no value could be read (a project folder that is not a readable project).
public enum JSONShape {
    /// The top-level keys of `type`'s object, as the command line writes them (camelCase), in the
    /// order its conformance asks for them.
    public static func keys<T: Decodable>(of type: T.Type) -> [String] {
        let recorder = KeyRecorder()
        _ = try? T(from: PlaceholderDecoder(recorder: recorder, depth: 0))
        var seen = Set<String>()
        return recorder.keys.map(JSONOutput.camelCase).filter { seen.insert($0).inserted }
    }
}

private final class KeyRecorder {
    var keys: [String] = []
}

/// Answers every request with an empty value (0, "", false, no members), recording the keys asked
/// for at the top level.
private struct PlaceholderDecoder: Decoder {
    let recorder: KeyRecorder
    let depth: Int

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(PlaceholderKeyedContainer<Key>(recorder: recorder, depth: depth))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { PlaceholderUnkeyedContainer() }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        PlaceholderSingleValueContainer(recorder: recorder, depth: depth)
    }
}

/// Thrown for what has no empty value (a nested container, an enum's raw value): the key is recorded
/// all the same.
private struct NoPlaceholder: Error {}

private struct PlaceholderKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: KeyRecorder
    let depth: Int

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    private func record(_ key: Key) {
        if depth == 0 { recorder.keys.append(key.stringValue) }
    }

    func contains(_ key: Key) -> Bool { record(key); return true }
    func decodeNil(forKey key: Key) throws -> Bool { record(key); return false }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { record(key); return false }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { record(key); return "" }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { record(key); return 0 }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { record(key); return 0 }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { record(key); return 0 }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { record(key); return 0 }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { record(key); return 0 }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { record(key); return 0 }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { record(key); return 0 }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { record(key); return 0 }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { record(key); return 0 }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { record(key); return 0 }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { record(key); return 0 }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { record(key); return 0 }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        record(key)
        // A nested value is read from empty values too; one that has no empty form (an enum's raw
        // value) ends the reading there, so such types are not for this.
        return try T(from: PlaceholderDecoder(recorder: recorder, depth: depth + 1))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { record(key); return nil }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { record(key); return nil }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { record(key); return nil }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { record(key); return nil }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { record(key); return nil }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { record(key); return nil }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        record(key)
        return KeyedDecodingContainer(PlaceholderKeyedContainer<NestedKey>(recorder: recorder, depth: depth + 1))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        record(key)
        return PlaceholderUnkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { PlaceholderDecoder(recorder: recorder, depth: depth + 1) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        record(key)
        return PlaceholderDecoder(recorder: recorder, depth: depth + 1)
    }
}

/// An empty array.
private struct PlaceholderUnkeyedContainer: UnkeyedDecodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 0 }
    var isAtEnd: Bool { true }
    var currentIndex: Int { 0 }

    mutating func decodeNil() throws -> Bool { true }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw NoPlaceholder() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw NoPlaceholder()
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw NoPlaceholder() }
    mutating func superDecoder() throws -> any Decoder { throw NoPlaceholder() }
}

private struct PlaceholderSingleValueContainer: SingleValueDecodingContainer {
    let recorder: KeyRecorder
    let depth: Int

    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) throws -> Bool { false }
    func decode(_ type: String.Type) throws -> String { "" }
    func decode(_ type: Double.Type) throws -> Double { 0 }
    func decode(_ type: Float.Type) throws -> Float { 0 }
    func decode(_ type: Int.Type) throws -> Int { 0 }
    func decode(_ type: Int8.Type) throws -> Int8 { 0 }
    func decode(_ type: Int16.Type) throws -> Int16 { 0 }
    func decode(_ type: Int32.Type) throws -> Int32 { 0 }
    func decode(_ type: Int64.Type) throws -> Int64 { 0 }
    func decode(_ type: UInt.Type) throws -> UInt { 0 }
    func decode(_ type: UInt8.Type) throws -> UInt8 { 0 }
    func decode(_ type: UInt16.Type) throws -> UInt16 { 0 }
    func decode(_ type: UInt32.Type) throws -> UInt32 { 0 }
    func decode(_ type: UInt64.Type) throws -> UInt64 { 0 }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: PlaceholderDecoder(recorder: recorder, depth: depth + 1))
    }
}
