import Foundation

/// G.711 companding of 16-bit PCM, as the fakes answer with it (the ITU reference).
public enum G711 {
    /// The samples of `pcm` (16-bit little-endian), one byte each: μ-law, or A-law when `aLaw`.
    public static func encode(_ pcm: Data, aLaw: Bool = false) -> Data {
        var out = Data(capacity: pcm.count / 2)
        pcm.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var index = 0
            while index + 1 < raw.count {
                let sample = Int(Int16(bitPattern: UInt16(raw[index]) | UInt16(raw[index + 1]) << 8))
                out.append(aLaw ? Self.aLaw(sample) : muLaw(sample))
                index += 2
            }
        }
        return out
    }

    /// μ-law of one 16-bit sample: bias 0x84, clip 32635.
    public static func muLaw(_ sample: Int) -> UInt8 {
        let sign = sample < 0 ? 0x80 : 0
        var magnitude = min(abs(sample), 32635) + 0x84
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && magnitude & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        magnitude = (magnitude >> (exponent + 3)) & 0x0F
        return UInt8(~(sign | exponent << 4 | magnitude) & 0xFF)
    }

    /// A-law of one 16-bit sample.
    public static func aLaw(_ sample: Int) -> UInt8 {
        let sign = sample >= 0 ? 0x80 : 0
        let magnitude = min(sample >= 0 ? sample : -sample - 1, 32767) >> 3
        var encoded: Int
        if magnitude < 32 {
            encoded = magnitude >> 1
        } else {
            var exponent = 1
            var shifted = magnitude >> 5
            while shifted > 1 && exponent < 7 {
                shifted >>= 1
                exponent += 1
            }
            encoded = exponent << 4 | ((magnitude >> exponent) & 0x0F)
        }
        return UInt8((encoded | sign) ^ 0x55)
    }
}
