import Foundation

/// Writes dubs as `JSONOutput.encode(dubs, pretty: true)` would, byte for byte, as they are formatted:
/// a listing of 10,000 dubs spent most of its time in JSONEncoder. Each dub goes through
/// ``PrettyJSONEncoder`` by way of ``KeepingNulls``, as through the encoder: its keys come from
/// `Dub`'s own `Encodable` conformance (a column added to `Dub` is listed with no change here) and
/// its absent values are null by the same rule as every other output. A dub the writer cannot write
/// is written by the encoder, indented to its place.
public enum DubListJSON {
    /// Formats `dubs`, handing `output` the text in pieces of about 64 KiB (no final newline).
    public static func write(_ dubs: some Sequence<Dub>, to output: ([UInt8]) throws -> Void) throws {
        let writer = PrettyJSONEncoder()
        var encoder: JSONEncoder?
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 17)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for dub in dubs {
            if !first { bytes.append(UInt8(ascii: ",")) }
            bytes.append(0x0a)
            first = false
            JSONText.indent(1, into: &bytes)
            let start = bytes.count
            do {
                try writer.append(KeepingNulls(dub), depth: 1, to: &bytes)
            } catch is PrettyJSONEncoder.Unsupported {
                bytes.removeSubrange(start...)
                let fallback = encoder ?? JSONOutput.encoder(pretty: true)
                encoder = fallback
                indented(try fallback.encode(KeepingNulls(dub)), to: &bytes)
            }
            if bytes.count >= 1 << 16 {
                try output(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        // An empty array is "[", a blank line and "]", as the encoder writes it.
        bytes.append(contentsOf: first ? [0x0a, 0x0a, UInt8(ascii: "]")] : [0x0a, UInt8(ascii: "]")])
        try output(bytes)
    }

    /// The encoder's text of one value moved one level in: each of its lines but blank ones indented
    /// (newlines inside strings are escaped, so every raw one is the encoder's own).
    private static func indented(_ text: Data, to bytes: inout [UInt8]) {
        var lineStart = false
        for byte in text {
            if lineStart && byte != 0x0a { JSONText.indent(1, into: &bytes) }
            bytes.append(byte)
            lineStart = byte == 0x0a
        }
    }
}
