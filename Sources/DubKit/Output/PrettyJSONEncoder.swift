import Foundation

/// Writes an `Encodable` value as `JSONOutput.encoder(pretty: true)` writes it, byte for byte, without
/// building the encoder's tree: keys converted to camelCase (a string-keyed dictionary's kept as they
/// are) and sorted by their UTF-8 bytes, two spaces of indent a level, `" : "` between key and value,
/// a blank line inside an empty object or array, strings escaped as the encoder escapes them, dates
/// in ISO 8601, doubles as their shortest text. Which keys there are comes from the value's own
/// `Encodable` conformance, so a property added to a type is written with no change here.
///
/// What it does not write (data, URLs, decimals, nested containers, non-finite numbers) makes it
/// throw ``PrettyJSONEncoder/Unsupported``; the caller then uses the encoder itself.
struct PrettyJSONEncoder {
    /// A value this writer leaves to JSONEncoder.
    struct Unsupported: Error {}

    private let keys = KeyNames()

    /// Appends `value`'s text, as it would stand at `depth` levels of indent, to `output`.
    func append<T: Encodable>(_ value: T, depth: Int, to output: inout [UInt8]) throws {
        let storage = ValueStorage(depth: depth, rawKeys: false, keys: keys)
        try storage.encode(value)
        try storage.render(into: &output)
    }
}

/// camelCase names of coding keys, remembered by key type and position (a type encodes its keys in
/// the same order every time), and each key type's last sorted order.
private final class KeyNames {
    private var names: [ObjectIdentifier: [(raw: String, text: [UInt8])]] = [:]
    private var orders: [ObjectIdentifier: (texts: [[UInt8]], order: [Int])] = [:]

    /// The quoted, escaped text of the key at `position` of an object of key type `type`.
    func text(_ raw: String, type: ObjectIdentifier, position: Int, convert: Bool) -> [UInt8] {
        guard convert else { return JSONText.quoted(raw) }
        if let known = names[type], position < known.count, known[position].raw == raw { return known[position].text }
        let text = JSONText.quoted(JSONOutput.camelCase(raw))
        var known = names[type] ?? []
        if position < known.count {
            known[position] = (raw, text)
        } else if position == known.count {
            known.append((raw, text))
        }
        names[type] = known
        return text
    }

    /// The order that sorts `texts`, reusing the last one computed for `type` when the keys are the same.
    func order(of texts: [[UInt8]], type: ObjectIdentifier?) -> [Int] {
        if let type, let cached = orders[type], cached.texts == texts { return cached.order }
        let order = texts.indices.sorted { texts[$0].lexicographicallyPrecedes(texts[$1]) }
        if let type { orders[type] = (texts, order) }
        return order
    }
}

/// What one value encodes to: a scalar's text, or an object's or an array's rendered members.
private final class ValueStorage {
    enum Kind { case none, scalar, object, array }

    let depth: Int
    /// True for a string-keyed dictionary: its keys are written as they are.
    let rawKeys: Bool
    let keys: KeyNames
    var kind = Kind.none
    /// The rendered text of the scalar, or of the members one after another.
    var body: [UInt8] = []
    /// For an object: each member's key text and where its value lies in ``body``.
    var entries: [(key: [UInt8], range: Range<Int>)] = []
    /// For an array: where each item lies in ``body``.
    var items: [Range<Int>] = []
    var keyType: ObjectIdentifier?
    var unsupported = false

    init(depth: Int, rawKeys: Bool, keys: KeyNames) {
        self.depth = depth
        self.rawKeys = rawKeys
        self.keys = keys
    }

    /// Runs `value`'s conformance against this storage.
    func encode<T: Encodable>(_ value: T) throws {
        if let date = value as? Date {
            kind = .scalar
            JSONText.appendDate(date, to: &body)
            return
        }
        if value is Data || value is URL || value is Decimal { throw PrettyJSONEncoder.Unsupported() }
        try value.encode(to: StorageEncoder(storage: self))
        if unsupported { throw PrettyJSONEncoder.Unsupported() }
    }

    /// Encodes `value` one level deeper and appends its text to ``body``; returns where it lies.
    func appendChild<T: Encodable>(_ value: T) throws -> Range<Int> {
        let start = body.count
        if let date = value as? Date {
            JSONText.appendDate(date, to: &body)
            return start..<body.count
        }
        let child = ValueStorage(depth: depth + 1, rawKeys: value is any StringKeyedEncodable, keys: keys)
        try child.encode(value)
        try child.render(into: &body)
        return start..<body.count
    }

    /// Writes the value: a scalar as it is, an object with its keys sorted, blank lines in empty ones.
    func render(into output: inout [UInt8]) throws {
        switch kind {
        case .none: throw PrettyJSONEncoder.Unsupported()
        case .scalar: output.append(contentsOf: body)
        case .object:
            let order = keys.order(of: entries.map(\.key), type: rawKeys ? nil : keyType)
            output.append(UInt8(ascii: "{"))
            output.append(0x0a)
            for (position, index) in order.enumerated() {
                if position > 0 { output.append(contentsOf: [UInt8(ascii: ","), 0x0a]) }
                JSONText.indent(depth + 1, into: &output)
                output.append(contentsOf: entries[index].key)
                output.append(contentsOf: JSONText.keySeparator)
                output.append(contentsOf: body[entries[index].range])
            }
            output.append(0x0a)
            JSONText.indent(depth, into: &output)
            output.append(UInt8(ascii: "}"))
        case .array:
            output.append(UInt8(ascii: "["))
            output.append(0x0a)
            for (position, range) in items.enumerated() {
                if position > 0 { output.append(contentsOf: [UInt8(ascii: ","), 0x0a]) }
                JSONText.indent(depth + 1, into: &output)
                output.append(contentsOf: body[range])
            }
            output.append(0x0a)
            JSONText.indent(depth, into: &output)
            output.append(UInt8(ascii: "]"))
        }
    }

    /// Starts (or, for a value that asks again, continues) an object.
    func beginObject(_ type: ObjectIdentifier) {
        if kind == .none { kind = .object }
        if kind != .object { unsupported = true }
        keyType = keyType ?? type
    }

    func beginArray() {
        if kind == .none { kind = .array }
        if kind != .array { unsupported = true }
    }

    func beginScalar() {
        if kind != .none { unsupported = true }
        kind = .scalar
    }
}

private struct StorageEncoder: Encoder {
    let storage: ValueStorage

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        storage.beginObject(ObjectIdentifier(type))
        return KeyedEncodingContainer(StorageKeyedContainer<Key>(storage: storage))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        storage.beginArray()
        return StorageUnkeyedContainer(storage: storage)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StorageSingleValueContainer(storage: storage)
    }
}

private struct StorageKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: ValueStorage

    var codingPath: [any CodingKey] { [] }

    private func member(_ key: Key, _ write: (inout [UInt8]) throws -> Void) rethrows {
        let text = storage.keys.text(key.stringValue, type: ObjectIdentifier(Key.self), position: storage.entries.count,
                                     convert: !storage.rawKeys)
        let start = storage.body.count
        try write(&storage.body)
        storage.entries.append((text, start..<storage.body.count))
    }

    mutating func encodeNil(forKey key: Key) throws { member(key) { JSONText.appendNull(to: &$0) } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { member(key) { JSONText.appendBool(value, to: &$0) } }
    mutating func encode(_ value: String, forKey key: Key) throws { member(key) { JSONText.appendString(value, to: &$0) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try member(key) { try JSONText.appendDouble(value, to: &$0) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try member(key) { try JSONText.appendFloat(value, to: &$0) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { member(key) { JSONText.appendInteger(value, to: &$0) } }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let text = storage.keys.text(key.stringValue, type: ObjectIdentifier(Key.self), position: storage.entries.count,
                                     convert: !storage.rawKeys)
        let range = try storage.appendChild(value)
        storage.entries.append((text, range))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        storage.unsupported = true
        return KeyedEncodingContainer(StorageKeyedContainer<NestedKey>(storage: ValueStorage(depth: 0, rawKeys: false, keys: storage.keys)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        storage.unsupported = true
        return StorageUnkeyedContainer(storage: ValueStorage(depth: 0, rawKeys: false, keys: storage.keys))
    }

    mutating func superEncoder() -> any Encoder {
        storage.unsupported = true
        return StorageEncoder(storage: ValueStorage(depth: 0, rawKeys: false, keys: storage.keys))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
}

/// An unkeyed or a single-value container: both write a primitive as its JSON text, in the place
/// `writePrimitive` gives it, so one set of their `encode` overloads serves both.
private protocol PrimitiveJSONWriter {
    func writePrimitive(_ write: (inout [UInt8]) throws -> Void) rethrows
}

extension PrimitiveJSONWriter {
    mutating func encodeNil() throws { writePrimitive { JSONText.appendNull(to: &$0) } }
    mutating func encode(_ value: Bool) throws { writePrimitive { JSONText.appendBool(value, to: &$0) } }
    mutating func encode(_ value: String) throws { writePrimitive { JSONText.appendString(value, to: &$0) } }
    mutating func encode(_ value: Double) throws { try writePrimitive { try JSONText.appendDouble(value, to: &$0) } }
    mutating func encode(_ value: Float) throws { try writePrimitive { try JSONText.appendFloat(value, to: &$0) } }
    mutating func encode(_ value: Int) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int8) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int16) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int32) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: Int64) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt8) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt16) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt32) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
    mutating func encode(_ value: UInt64) throws { writePrimitive { JSONText.appendInteger(value, to: &$0) } }
}

private struct StorageUnkeyedContainer: UnkeyedEncodingContainer, PrimitiveJSONWriter {
    let storage: ValueStorage

    var codingPath: [any CodingKey] { [] }
    var count: Int { storage.items.count }

    /// An array's next item.
    func writePrimitive(_ write: (inout [UInt8]) throws -> Void) rethrows {
        let start = storage.body.count
        try write(&storage.body)
        storage.items.append(start..<storage.body.count)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        storage.items.append(try storage.appendChild(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        storage.unsupported = true
        return KeyedEncodingContainer(StorageKeyedContainer<NestedKey>(storage: ValueStorage(depth: 0, rawKeys: false, keys: storage.keys)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        storage.unsupported = true
        return StorageUnkeyedContainer(storage: ValueStorage(depth: 0, rawKeys: false, keys: storage.keys))
    }

    mutating func superEncoder() -> any Encoder {
        storage.unsupported = true
        return StorageEncoder(storage: ValueStorage(depth: 0, rawKeys: false, keys: storage.keys))
    }
}

private struct StorageSingleValueContainer: SingleValueEncodingContainer, PrimitiveJSONWriter {
    let storage: ValueStorage

    var codingPath: [any CodingKey] { [] }

    /// The one value at this depth.
    func writePrimitive(_ write: (inout [UInt8]) throws -> Void) rethrows {
        storage.beginScalar()
        try write(&storage.body)
    }

    /// A value encoded through a single-value container is that value's own text at this depth.
    mutating func encode<T: Encodable>(_ value: T) throws {
        if storage.kind != .none { storage.unsupported = true }
        if let date = value as? Date {
            storage.kind = .scalar
            JSONText.appendDate(date, to: &storage.body)
            return
        }
        let inner = ValueStorage(depth: storage.depth, rawKeys: value is any StringKeyedEncodable, keys: storage.keys)
        try inner.encode(value)
        storage.kind = .scalar
        try inner.render(into: &storage.body)
    }
}

/// JSON text pieces as JSONEncoder writes them.
enum JSONText {
    static let keySeparator = Array(" : ".utf8)

    static func indent(_ depth: Int, into output: inout [UInt8]) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    static func appendNull(to output: inout [UInt8]) {
        output.append(contentsOf: "null".utf8)
    }

    static func appendBool(_ value: Bool, to output: inout [UInt8]) {
        output.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    static func appendInteger<T: BinaryInteger>(_ value: T, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = output.count
        repeat {
            output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        output[start...].reverse()
    }

    /// A double as JSONEncoder writes it: its shortest text, without a trailing `.0`.
    static func appendDouble(_ value: Double, to output: inout [UInt8]) throws {
        guard value.isFinite else { throw PrettyJSONEncoder.Unsupported() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        output.append(contentsOf: text.utf8)
    }

    static func appendFloat(_ value: Float, to output: inout [UInt8]) throws {
        guard value.isFinite else { throw PrettyJSONEncoder.Unsupported() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        output.append(contentsOf: text.utf8)
    }

    /// A date in ISO 8601 (the encoder's `.iso8601` strategy), quoted.
    static func appendDate(_ date: Date, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if !UTCDateText.appendISO8601(date, to: &output) {
            output.append(contentsOf: date.formatted(.iso8601).utf8)
        }
        output.append(UInt8(ascii: "\""))
    }

    /// `text` quoted and escaped.
    static func quoted(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        appendString(text, to: &bytes)
        return bytes
    }

    /// A string escaped as the encoder escapes it: quote, backslash and control characters below
    /// 0x20 (short forms for \b \f \n \r \t, lowercase \u00XX otherwise); slashes and everything
    /// else as its UTF-8 bytes.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0c: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0a: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0d: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                           hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
