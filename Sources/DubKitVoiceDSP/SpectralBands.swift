import Foundation

/// The log-spaced bands of the long-term spectrum and operations on band vectors in dB.
enum SpectralBands {
    static let count = 28
    static let lowEdge = 80.0
    static let highEdge = 7600.0
    /// Value marking a band above the recording's Nyquist frequency.
    static let missing = -120.0

    static let edges: [Double] = (0...count).map { lowEdge * pow(highEdge / lowEdge, Double($0) / Double(count)) }
    static let centres: [Double] = (0..<count).map { sqrt(edges[$0] * edges[$0 + 1]) }
    /// Natural-log spacing between neighbouring band centres.
    static let logSpacing = log(highEdge / lowEdge) / Double(count)

    /// For an FFT of `size` at `sampleRate`, the band of each bin (nil outside all bands or above Nyquist).
    static func binBands(size: Int, sampleRate: Int) -> [Int?] {
        (0...(size / 2)).map { bin in
            let f = Double(bin) * Double(sampleRate) / Double(size)
            guard f >= lowEdge, f < highEdge, f < Double(sampleRate) / 2 * 0.98 else { return nil }
            return min(count - 1, Int(log(f / lowEdge) / logSpacing))
        }
    }

    static func isPresent(_ v: Double) -> Bool { v > missing + 1 }

    /// `bands` warped by `alpha` in frequency (a spectral feature at f moves to alpha·f), interpolated on the log axis.
    static func warp(_ bands: [Double], by alpha: Double) -> [Double] {
        let shift = log(alpha) / logSpacing
        return (0..<bands.count).map { i in
            let x = Double(i) - shift
            guard x >= 0, x <= Double(bands.count - 1) else { return missing }
            let i0 = Int(x.rounded(.down)), i1 = min(i0 + 1, bands.count - 1)
            guard isPresent(bands[i0]), isPresent(bands[i1]) else { return missing }
            let t = x - Double(i0)
            return bands[i0] * (1 - t) + bands[i1] * t
        }
    }

    /// RMS difference in dB over bands present in both, after removing the mean difference.
    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        let pairs = zip(a, b).filter { isPresent($0.0) && isPresent($0.1) }
        guard pairs.count >= 4 else { return .infinity }
        let diffs = pairs.map { $0.0 - $0.1 }
        let mean = diffs.reduce(0, +) / Double(diffs.count)
        return sqrt(diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(diffs.count))
    }

    /// Lowest band centre the warp search compares: below it the spectrum shows F0, not the vocal tract.
    static let formantFloor = 300.0

    /// The warp factor in 0.75...1.4 that makes `source` closest to `target` above ``formantFloor``.
    ///
    /// Every candidate is scored on the same bands, those the target and every warped source hold: a warp
    /// moves a band-limited recording's upper edge, and distances over different sets of bands do not compare.
    static func bestWarp(from source: [Double], to target: [Double]) -> Double {
        let candidates = Array(stride(from: 0.75, through: 1.4001, by: 0.005))
        let warped = candidates.map { warp(source, by: $0) }
        let shared = (0..<count).filter { b in
            centres[b] >= formantFloor && isPresent(target[b]) && warped.allSatisfy { isPresent($0[b]) }
        }
        guard shared.count >= 4 else { return 1 }
        func distance(_ bands: [Double]) -> Double { Self.distance(shared.map { bands[$0] }, shared.map { target[$0] }) }
        var best = (alpha: 1.0, distance: distance(source))
        for (alpha, bands) in zip(candidates, warped) {
            let d = distance(bands)
            if d < best.distance { best = (alpha, d) }
        }
        return best.alpha
    }

    /// Per-band EQ gains in dB: smoothed `target - source`, level removed, clamped to ±`limit`; 0 where either is missing.
    static func equaliser(from source: [Double], to target: [Double], limit: Double = 12) -> [Double] {
        var diff = zip(source, target).map { isPresent($0.0) && isPresent($0.1) ? $0.1 - $0.0 : Double.nan }
        let present = diff.filter { !$0.isNaN }
        guard !present.isEmpty else { return [Double](repeating: 0, count: source.count) }
        let mean = present.reduce(0, +) / Double(present.count)
        diff = diff.map { $0.isNaN ? 0 : $0 - mean }
        let smoothed = (0..<diff.count).map { i -> Double in
            let window = diff[max(0, i - 1)...min(diff.count - 1, i + 1)]
            return window.reduce(0, +) / Double(window.count)
        }
        return smoothed.map { max(-limit, min(limit, $0)) }
    }

    /// Least-squares slope of `bands` in dB per octave over present bands.
    static func tilt(_ bands: [Double]) -> Double {
        let pts = zip(centres, bands).filter { isPresent($0.1) }.map { (log2($0.0), $0.1) }
        guard pts.count >= 2 else { return 0 }
        let mx = pts.map(\.0).reduce(0, +) / Double(pts.count)
        let my = pts.map(\.1).reduce(0, +) / Double(pts.count)
        let sxy = pts.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +)
        let sxx = pts.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        return sxx > 0 ? sxy / sxx : 0
    }
}
