import Foundation

/// Where a received body lives: in memory, or in a spool file for large bodies.
enum TestHTTPBodySource: Sendable {
    case memory(Data)
    case file(URL, count: Int)

    var count: Int {
        switch self {
        case .memory(let data): data.count
        case .file(_, let count): count
        }
    }

    /// Up to `count` bytes from `offset`.
    func read(offset: Int, count: Int) -> Data {
        let end = min(self.count, offset + count)
        guard offset < end else { return Data() }
        switch self {
        case .memory(let data):
            return data.subdata(in: (data.startIndex + offset)..<(data.startIndex + end))
        case .file(let url, _):
            guard let handle = try? FileHandle(forReadingFrom: url) else { return Data() }
            defer { try? handle.close() }
            do {
                try handle.seek(toOffset: UInt64(offset))
                return try handle.read(upToCount: end - offset) ?? Data()
            } catch {
                return Data()
            }
        }
    }
}
