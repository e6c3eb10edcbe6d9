import DubKit
import Foundation

/// A media command's JSON result, with a `download` object added when the input was a link
/// (the link, the SHA-256 and size of what it delivered, and how it was fetched).
struct LinkedResult<Result: Encodable>: Encodable {
    var result: Result
    var download: DownloadedLink?

    private enum Key: String, CodingKey {
        case download
    }

    func encode(to encoder: any Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(download, forKey: .download)
    }
}
