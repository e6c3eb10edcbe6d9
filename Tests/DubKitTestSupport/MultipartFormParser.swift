import Foundation

/// Splits a multipart/form-data body into parts by scanning for its boundary window by window.
enum MultipartFormParser {
    /// Why a body is not valid multipart/form-data.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ source: TestHTTPBodySource, contentType: String) throws -> [MultipartFormPart] {
        guard let boundary = parameter("boundary", in: contentType) else {
            throw Failure(description: "no boundary in Content-Type \(contentType)")
        }
        let delimiter = Array("--\(boundary)".utf8)
        let positions = find(delimiter, in: source).filter { position in
            position == 0 || source.read(offset: position - 2, count: 2) == Data("\r\n".utf8)
        }
        var parts: [MultipartFormPart] = []
        for (index, position) in positions.enumerated() {
            let afterDelimiter = position + delimiter.count
            if source.read(offset: afterDelimiter, count: 2) == Data("--".utf8) { break }
            guard index + 1 < positions.count else { throw Failure(description: "body ends inside a part") }
            let start = afterDelimiter + 2
            let end = positions[index + 1] - 2
            let headWindow = source.read(offset: start, count: min(16 * 1024, max(0, end - start)))
            guard let headEnd = headWindow.range(of: Data("\r\n\r\n".utf8)) else {
                throw Failure(description: "part without a header end")
            }
            let headerText = String(decoding: headWindow[headWindow.startIndex..<headEnd.lowerBound], as: UTF8.self)
            var headers: [String: String] = [:]
            for line in headerText.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let disposition = headers["content-disposition"] ?? ""
            let contentStart = start + (headEnd.upperBound - headWindow.startIndex)
            parts.append(MultipartFormPart(
                name: parameter("name", in: disposition) ?? "", filename: parameter("filename", in: disposition),
                contentType: headers["content-type"], length: max(0, end - contentStart), source: source,
                offset: contentStart))
        }
        return parts
    }

    /// The value of `name=value` or `name="value"` in a header, honouring quotes.
    static func parameter(_ name: String, in header: String) -> String? {
        var items: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && quoted {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current)
        for item in items {
            guard let equals = item.firstIndex(of: "=") else { continue }
            if item[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() {
                return String(item[item.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Every offset where `needle` occurs, scanning 1 MiB windows that overlap by the needle's length.
    private static func find(_ needle: [UInt8], in source: TestHTTPBodySource) -> [Int] {
        let window = 1 << 20
        let step = window - needle.count + 1
        var positions: [Int] = []
        var offset = 0
        while offset < source.count {
            let data = source.read(offset: offset, count: window)
            if data.count < needle.count { break }
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                guard let base = raw.baseAddress else { return }
                var index = 0
                while index <= raw.count - needle.count {
                    guard let hit = memchr(base + index, Int32(needle[0]), raw.count - needle.count - index + 1) else { break }
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    let matches = needle.withUnsafeBytes { pattern in
                        pattern.baseAddress.map { memcmp(base + at, $0, needle.count) == 0 } ?? false
                    }
                    if matches {
                        positions.append(offset + at)
                        index = at + needle.count
                    } else {
                        index = at + 1
                    }
                }
            }
            if data.count < window { break }
            offset += step
        }
        return positions
    }
}
