import Foundation

/// Pitch and formant shifting at time ratio 1 by pitch-synchronous overlap-add (TD-PSOLA), driven by a
/// ``PitchContour``: two-period Hann grains taken one source period apart are laid down one wanted
/// period apart, each resampled by the formant ratio; unvoiced stretches are copied through in fixed
/// 10 ms grains. Linear in the input's length, streaming, and its output is aligned with its input.
final class PSOLAShifter {
    private let contour: PitchContour
    private let alpha: Double
    private let unvoicedPeriod: Double
    private let maxPeriod: Double
    /// Longest grain half-length in output samples, plus a margin.
    private let maxHalf: Int

    /// Input from absolute sample `inputStart` on.
    private var input: [Float] = []
    private var inputStart: Int
    /// Output being summed, from absolute sample `outputStart` on; everything before was handed out.
    private var output: [Float] = []
    private var outputStart: Int
    private var analysisMark: Double
    private var synthesisMark: Double
    private var wasVoiced = false

    private static let tableSize = 4096
    /// Half a Hann window, from its peak (index 0) to its end (index `tableSize`).
    private static let window: [Float] = (0...tableSize).map { Float(0.5 + 0.5 * cos(Double.pi * Double($0) / Double(tableSize))) }

    /// A shifter whose first input sample is absolute sample `start` of the contour's timeline;
    /// `formantRatio` moves the spectral envelope (1 keeps it: a formant-preserving pitch shift).
    init(contour: PitchContour, formantRatio: Double, start: Int = 0) {
        self.contour = contour
        alpha = max(0.25, min(4, formantRatio))
        unvoicedPeriod = (contour.sampleRate / 100).rounded()
        maxPeriod = (contour.sampleRate / FrameAnalyzer.minF0).rounded(.up) + 1
        maxHalf = Int((max(maxPeriod, unvoicedPeriod) / alpha).rounded(.up)) + 2
        inputStart = start
        outputStart = start
        analysisMark = Double(start)
        synthesisMark = Double(start)
    }

    /// Feeds `samples`; returns the output that no later grain can change any more (it lags the input
    /// by up to two periods, the rest comes from ``finish(end:)``).
    func process(_ samples: [Float]) -> [Float] {
        input.append(contentsOf: samples)
        place(until: nil)
        return emit(upTo: Int(synthesisMark) - maxHalf)
    }

    /// The output from where the last call stopped up to absolute sample `end`, the input after what was
    /// fed taken as silence.
    func finish(end: Int) -> [Float] {
        place(until: Double(end + maxHalf))
        return emit(upTo: end)
    }

    /// Lays down grains while their input is available (or, with a `limit`, up to that synthesis position).
    private func place(until limit: Double?) {
        let inputEnd = inputStart + input.count
        while true {
            let s = synthesisMark
            if let limit, s >= limit { break }
            let half: Double, step: Double
            var blend = 0.0, nextMark = s
            if let here = contour.voiced(at: s) {
                if !wasVoiced {
                    analysisMark = s
                    wasVoiced = true
                }
                // Walk the source's period marks to the last one at or before the synthesis mark; the grain
                // is a blend of it and the next, weighted by where the synthesis mark falls between them.
                var period = contour.voiced(at: analysisMark)?.period ?? here.period
                while analysisMark + period <= s {
                    analysisMark += period
                    period = contour.voiced(at: analysisMark)?.period ?? period
                }
                blend = max(0, min(1, (s - analysisMark) / period))
                nextMark = analysisMark + period
                half = min(period, maxPeriod)
                step = max(1, here.period / here.ratio)
            } else {
                wasVoiced = false
                analysisMark = s
                half = unvoicedPeriod
                step = unvoicedPeriod
            }
            if limit == nil && Int(max(analysisMark, nextMark) + half) + 2 >= inputEnd { break }
            // Output power is grain energy (which squeezing by α divides by α) times grain rate: keep it the
            // input's. At ratios 1 this is unity gain, and the Hann grains then sum back to the input exactly.
            let gain = (alpha * step / half).squareRoot()
            addGrain(at: s, from: analysisMark, inputHalf: half, gain: Float(gain * (1 - blend)))
            if blend > 0 { addGrain(at: s, from: nextMark, inputHalf: half, gain: Float(gain * blend)) }
            synthesisMark += step
        }
        let keepFrom = Int(min(analysisMark, synthesisMark) - 2 * maxPeriod) - inputStart
        if keepFrom > 16_384 {
            input.removeFirst(keepFrom)
            inputStart += keepFrom
        }
    }

    /// Adds the grain of input centred on `a` (half-length `inputHalf`), squeezed by the formant ratio,
    /// to the output centred on `s`.
    private func addGrain(at s: Double, from a: Double, inputHalf: Double, gain: Float) {
        let half = inputHalf / alpha
        let lo = max(outputStart, Int((s - half).rounded(.up))), hi = Int((s + half).rounded(.down))
        guard lo <= hi else { return }
        if output.count < hi - outputStart + 1 {
            output.append(contentsOf: repeatElement(0, count: hi - outputStart + 1 - output.count))
        }
        let scale = Double(Self.tableSize) / half
        let alpha = alpha, outputStart = outputStart
        // Relative to the buffers: the grain's first output sample's distance from its centre, and the input position it reads.
        let firstOffset = Double(lo) - s
        let firstPosition = a + alpha * firstOffset - Double(inputStart)
        let count = hi - lo + 1
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { out in
                Self.window.withUnsafeBufferPointer { w in
                    guard let xp = x.baseAddress, let wp = w.baseAddress, let yp = out.baseAddress else { return }
                    let y = yp + (lo - outputStart)
                    let lastPosition = firstPosition + alpha * Double(count - 1)
                    if firstPosition >= 0 && Int(lastPosition) + 1 < x.count {
                        // Every read inside the input: no checks in the loop.
                        for k in 0..<count {
                            let d = firstOffset + Double(k)
                            let weight = wp[min(Self.tableSize, Int(abs(d) * scale))]
                            let p = firstPosition + alpha * Double(k)
                            let i = Int(p)
                            let f = Float(p - Double(i))
                            let x0 = xp[i], x1 = xp[i + 1]
                            y[k] += gain * weight * (x0 + (x1 - x0) * f)
                        }
                    } else {
                        for k in 0..<count {
                            let d = firstOffset + Double(k)
                            let weight = wp[min(Self.tableSize, Int(abs(d) * scale))]
                            let p = firstPosition + alpha * Double(k)
                            let i = Int(p.rounded(.down))
                            let f = Float(p - Double(i))
                            let x0: Float = i >= 0 && i < x.count ? xp[i] : 0
                            let x1: Float = i + 1 >= 0 && i + 1 < x.count ? xp[i + 1] : 0
                            y[k] += gain * weight * (x0 + (x1 - x0) * f)
                        }
                    }
                }
            }
        }
    }

    private func emit(upTo end: Int) -> [Float] {
        let n = end - outputStart
        guard n > 0 else { return [] }
        if output.count < n { output.append(contentsOf: repeatElement(0, count: n - output.count)) }
        let ready = Array(output[0..<n])
        output.removeFirst(n)
        outputStart = end
        return ready
    }
}
