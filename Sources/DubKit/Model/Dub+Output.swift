import DubKitHTTP
import Foundation

extension Dub {
    /// The source as printed anywhere (tables, JSON, logs, messages, the review page): a link with its
    /// secret query parameters and any user:password shown as `***` (``Redaction/url(_:)``), a file path
    /// as it is. The store keeps the full link, which the download needs.
    public var shownSource: String {
        sourceKind == .link ? Redaction.url(source) : source
    }

    /// The dub as output shows it: the same values with ``shownSource`` as its source. Every command that
    /// prints a dub's record (as JSON) prints this.
    public var forOutput: Dub {
        guard sourceKind == .link else { return self }
        var shown = self
        shown.source = shownSource
        return shown
    }
}
