@testable import DubKitHTTP
import Foundation
import Testing

/// Header lines are trimmed without Foundation when they are ASCII; the result must be Foundation's.
@Suite struct HeaderTrimTests {
    @Test("trimming header text gives what trimmingCharacters(in:) gives, for every ASCII edge and non-ASCII text")
    func sameAsFoundation() {
        var texts = ["", " ", "\t\r\n", "HTTP/1.1 200 OK\r\n", "  Content-Type: text/plain \r\n", "x", " a b ",
                     "\u{0B}\u{0C}value\u{0B}", "\u{1}keep\u{1}", "\u{7f}", "name:\u{A0}nbsp\u{A0}", "\u{2028}line\u{2029}",
                     "\u{85}next\u{85}", "ünïcode ", "\u{3000}ideographic\u{3000}", "trail\r", "\r\nlead"]
        for byte in UInt8(0)...UInt8(127) {
            let character = String(UnicodeScalar(byte))
            texts += [character, character + "a" + character, "a" + character + "b"]
        }
        for text in texts {
            for newlines in [false, true] {
                let expected = text.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
                #expect(CurlTransfer.trimmed(text, newlines: newlines) == expected, "\(Array(text.utf8)) newlines: \(newlines)")
            }
        }
    }
}
