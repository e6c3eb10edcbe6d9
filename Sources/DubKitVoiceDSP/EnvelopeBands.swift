import Foundation

/// The bands of a frame's spectral envelope, which the speaker codebook stores and the envelope mapper
/// corrects: 200 Hz wide up to where that is a sixth of an octave (about 1.3 kHz; narrower bands would
/// resolve single harmonics and so follow the pitch, not the vocal tract), sixth-octave bands above, to 7.8 kHz.
enum EnvelopeBands {
    static let edges: [Double] = {
        var edges = [60.0]
        while let last = edges.last, last < 7_800 {
            edges.append(min(7_800, max(last + 200, last * pow(2, 1.0 / 6))))
        }
        return edges
    }()
    static var count: Int { edges.count - 1 }
    static let centres: [Double] = (0..<count).map { (edges[$0] + edges[$0 + 1]) / 2 }
    /// Cepstral coefficients c1… used to match frames (c0, the level, is left out).
    static let cepstra = 12

    /// How many bands (from the lowest) a recording at `sampleRate` holds.
    static func present(sampleRate: Int) -> Int {
        let nyquist = Double(sampleRate) / 2 * 0.98
        return edges.dropFirst().filter { $0 <= nyquist }.count
    }

    /// The cepstral transform over the first `bands` bands: row m-1 holds the DCT-II basis of coefficient m.
    static func cosineBasis(bands: Int) -> [Float] {
        var basis = [Float](repeating: 0, count: cepstra * bands)
        for m in 1...cepstra {
            for b in 0..<bands {
                basis[(m - 1) * bands + b] = Float(cos(Double.pi * Double(m) * (Double(b) + 0.5) / Double(bands)) * (2 / Double(bands)).squareRoot())
            }
        }
        return basis
    }

    /// The cepstra of `envelope` (dB per band) minus `mean`, over the first `bands` bands, into `out`.
    static func features(_ envelope: UnsafePointer<Float>, mean: UnsafePointer<Float>, bands: Int, basis: UnsafePointer<Float>,
                         into out: UnsafeMutablePointer<Float>) {
        for m in 0..<cepstra {
            var sum: Float = 0
            let row = basis + m * bands
            for b in 0..<bands { sum += row[b] * (envelope[b] - mean[b]) }
            out[m] = sum
        }
    }
}
