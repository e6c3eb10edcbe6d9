/// An ordered list of HTTP header fields whose names are looked up case-insensitively.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field as sent or received.
    public struct Field: Sendable, Equatable {
        /// The field name as written on the wire.
        public var name: String
        /// The field value, without surrounding whitespace.
        public var value: String
    }

    /// The fields in wire order.
    public private(set) var fields: [Field] = []

    /// An empty header list.
    public init() {}

    /// Headers from name-value pairs, in the given order.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` (any case) with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field named `name` (any case).
    public mutating func remove(_ name: String) {
        let lowered = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lowered }
    }

    /// The first value of the field named `name` (any case), if present.
    public subscript(_ name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    /// Every value of the field named `name` (any case), in wire order.
    public func values(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return fields.filter { $0.name.lowercased() == lowered }.map(\.value)
    }

    /// True when a field named `name` (any case) is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Iterates the fields in wire order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
