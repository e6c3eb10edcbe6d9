import Foundation

/// What a ``PSOLAShifter`` follows: the source's F0 and the wanted log pitch ratio per 20 ms analysis
/// frame, read at any sample position by linear interpolation between frame centres.
struct PitchContour {
    /// Samples between frames.
    let hop: Int
    /// Sample position of frame 0's centre (frame i's centre is `centre + i·hop`).
    let centre: Double
    let sampleRate: Double
    /// The source's F0 in Hz per frame, 0 when unvoiced.
    let f0: [Float]
    /// Natural-log pitch ratio per frame, applied where the source is voiced.
    let logRatio: [Float]

    /// The source's period in samples and the wanted pitch ratio at sample position `t`, or nil where the
    /// source is unvoiced (the nearer frame decides voicing; F0 is interpolated only between voiced frames).
    func voiced(at t: Double) -> (period: Double, ratio: Double)? {
        let count = f0.count
        guard count > 0 else { return nil }
        let x = max(0, (t - centre) / Double(hop))
        let i0 = min(Int(x), count - 1), i1 = min(i0 + 1, count - 1)
        let w = min(1, x - Double(i0))
        let a = Double(f0[i0]), b = Double(f0[i1])
        let f: Double
        if a > 0 && b > 0 {
            f = a + (b - a) * w
        } else {
            f = w < 0.5 ? a : b
            guard f > 0 else { return nil }
        }
        let r0 = Double(logRatio[min(i0, logRatio.count - 1)]), r1 = Double(logRatio[min(i1, logRatio.count - 1)])
        return (sampleRate / f, exp(r0 + (r1 - r0) * w))
    }

    /// `track` with octave jumps folded back towards the median of the neighbouring voiced frames and
    /// voicing widened by one frame on each side, so voiced edges are shifted with the rest of the sound.
    static func repaired(_ track: [Float]) -> [Float] {
        var fixed = track
        for i in track.indices where track[i] > 0 {
            let around = track[max(0, i - 5)...min(track.count - 1, i + 5)].filter { $0 > 0 }.sorted()
            guard around.count >= 3 else { continue }
            let ratio = track[i] / around[around.count / 2]
            if ratio < 0.65 { fixed[i] = track[i] * 2 } else if ratio > 1.6 { fixed[i] = track[i] / 2 }
        }
        var widened = fixed
        for i in fixed.indices where fixed[i] == 0 {
            if i > 0, fixed[i - 1] > 0 {
                widened[i] = fixed[i - 1]
            } else if i + 1 < fixed.count, fixed[i + 1] > 0 {
                widened[i] = fixed[i + 1]
            }
        }
        return widened
    }
}
