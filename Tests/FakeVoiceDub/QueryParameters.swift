import Foundation

/// A request's query, read the ways PROVIDERS.md says VoiceDub accepts arrays: repeated (`g=a&g=b`),
/// with brackets (`g[]=a`, `g[0]=a`) or comma-joined (`g=a,b`), in any mix.
struct QueryParameters: Sendable {
    private let items: [URLQueryItem]

    init(_ items: [URLQueryItem]) { self.items = items }

    /// The single value of `name` (the last one when repeated).
    func value(_ name: String) -> String? {
        items.last { $0.name == name }?.value
    }

    /// Every value of array parameter `name`, in order, comma-joined values split, empty ones dropped.
    func values(_ name: String) -> [String] {
        items.filter { Self.baseName($0.name) == name }
            .flatMap { ($0.value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    /// `g` for `g`, `g[]` and `g[3]`.
    private static func baseName(_ name: String) -> String {
        guard name.hasSuffix("]"), let open = name.firstIndex(of: "[") else { return name }
        let inside = name[name.index(after: open)..<name.index(before: name.endIndex)]
        return inside.allSatisfy(\.isNumber) ? String(name[..<open]) : name
    }
}
