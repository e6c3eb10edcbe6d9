import Foundation

/// A parsed `Content-Range: bytes START-END/TOTAL` header.
struct ContentRange: Equatable {
    var start: Int64
    var end: Int64
    /// The full size, nil when the server sent `*`.
    var total: Int64?

    /// Parses the header; nil when it is missing or not a byte range.
    init?(_ header: String?) {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes ") else {
            return nil
        }
        let spec = header.dropFirst(6)
        let halves = spec.split(separator: "/", maxSplits: 1)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", maxSplits: 1)
        guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), start <= end else { return nil }
        self.start = start
        self.end = end
        total = Int64(halves[1])
    }
}
