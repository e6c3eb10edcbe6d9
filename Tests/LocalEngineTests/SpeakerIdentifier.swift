import DubKitTestSupport
import Foundation

/// A small speaker-identification proxy for tests, independent of the engine: MFCCs (c1–c13 of 24 mel
/// bands, 25 ms frames every 10 ms, speech frames only, on audio decoded at 8 kHz) and one diagonal
/// Gaussian mixture per speaker; a clip belongs to the speaker whose mixture gives its frames the highest
/// mean log-likelihood.
struct SpeakerIdentifier {
    static let rate = 8_000
    static let coefficients = 13
    static let components = 16

    struct Mixture {
        var weights: [Double]
        var means: [[Double]]
        var variances: [[Double]]

        /// Mean log-likelihood per frame.
        func score(_ frames: [[Double]]) -> Double {
            frames.map(logLikelihood).reduce(0, +) / Double(max(1, frames.count))
        }

        func logLikelihood(_ x: [Double]) -> Double {
            let terms = (0..<weights.count).map { componentLog($0, x) }
            let top = terms.max() ?? 0
            return top + log(terms.map { exp($0 - top) }.reduce(0, +))
        }

        func componentLog(_ c: Int, _ x: [Double]) -> Double {
            var s = log(weights[c])
            for d in x.indices {
                let diff = x[d] - means[c][d]
                s -= 0.5 * (log(2 * Double.pi * variances[c][d]) + diff * diff / variances[c][d])
            }
            return s
        }

        /// EM on `frames`, starting from frames spread evenly over them.
        static func train(_ frames: [[Double]]) -> Mixture {
            let k = min(SpeakerIdentifier.components, max(1, frames.count / 20))
            let dims = frames[0].count
            var globalVariance = [Double](repeating: 0, count: dims)
            let globalMean = (0..<dims).map { d in frames.map { $0[d] }.reduce(0, +) / Double(frames.count) }
            for f in frames { for d in 0..<dims { globalVariance[d] += (f[d] - globalMean[d]) * (f[d] - globalMean[d]) / Double(frames.count) } }
            let floor = globalVariance.map { max(1e-3, $0 * 0.01) }
            var model = Mixture(weights: [Double](repeating: 1 / Double(k), count: k),
                                means: (0..<k).map { frames[($0 * frames.count) / k + frames.count / (2 * k)] },
                                variances: [[Double]](repeating: globalVariance, count: k))
            for _ in 0..<15 {
                var w = [Double](repeating: 1e-9, count: k)
                var m = [[Double]](repeating: [Double](repeating: 0, count: dims), count: k)
                var v = [[Double]](repeating: [Double](repeating: 0, count: dims), count: k)
                for x in frames {
                    let terms = (0..<k).map { model.componentLog($0, x) }
                    let top = terms.max() ?? 0
                    let p = terms.map { exp($0 - top) }
                    let total = p.reduce(0, +)
                    for c in 0..<k {
                        let r = p[c] / total
                        w[c] += r
                        for d in 0..<dims {
                            m[c][d] += r * x[d]
                            v[c][d] += r * x[d] * x[d]
                        }
                    }
                }
                for c in 0..<k {
                    model.weights[c] = w[c] / Double(frames.count)
                    for d in 0..<dims {
                        let mean = m[c][d] / w[c]
                        model.means[c][d] = mean
                        model.variances[c][d] = max(floor[d], v[c][d] / w[c] - mean * mean)
                    }
                }
            }
            return model
        }
    }

    let speakers: [(name: String, model: Mixture)]

    /// One mixture per speaker, trained on that speaker's recordings.
    init(_ training: [(name: String, files: [URL])]) throws {
        speakers = try training.map { entry in
            let frames = try entry.files.flatMap { try Self.mfcc(TestAudio.samples($0, rate: Self.rate).samples) }
            return (entry.name, Mixture.train(frames))
        }
    }

    /// The speaker each `seconds`-long stretch of `url` is identified as.
    func identify(_ url: URL, seconds: Double = 2) throws -> [String] {
        let samples = try TestAudio.samples(url, rate: Self.rate).samples
        let length = Int(seconds * Double(Self.rate))
        return Swift.stride(from: 0, to: samples.count - length / 2, by: length).compactMap { start in
            let frames = Self.mfcc(Array(samples[start..<min(samples.count, start + length)]))
            guard frames.count >= 50 else { return nil }
            return speakers.max { $0.model.score(frames) < $1.model.score(frames) }?.name
        }
    }

    /// MFCCs of the frames within 30 dB of the recording's loud frames.
    static func mfcc(_ x: [Float]) -> [[Double]] {
        let length = 200, hop = 80, size = 256, bands = 24
        guard x.count >= length else { return [] }
        let window = (0..<length).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / Double(length - 1)) }
        func mel(_ f: Double) -> Double { 2595 * log10(1 + f / 700) }
        func hz(_ m: Double) -> Double { 700 * (pow(10, m / 2595) - 1) }
        let edges = (0...(bands + 1)).map { hz(mel(100) + (mel(3800) - mel(100)) * Double($0) / Double(bands + 1)) }
        let binHz = Double(rate) / Double(size)
        let starts = Array(Swift.stride(from: 0, through: x.count - length, by: hop))
        let energies = starts.map { s in (0..<length).reduce(0.0) { $0 + Double(x[s + $1]) * Double(x[s + $1]) } }
        let loud = energies.sorted()[energies.count * 95 / 100]
        var out: [[Double]] = []
        for (start, energy) in zip(starts, energies) where energy > loud * 1e-3 && energy > 0 {
            var re = [Double](repeating: 0, count: size), im = [Double](repeating: 0, count: size)
            for n in 0..<length { re[n] = Double(x[start + n]) * window[n] }
            TestFFT.transform(&re, &im)
            let power = (0...(size / 2)).map { re[$0] * re[$0] + im[$0] * im[$0] }
            let logMel = (0..<bands).map { b -> Double in
                var s = 1e-10
                for (k, p) in power.enumerated() {
                    let f = Double(k) * binHz
                    guard f > edges[b], f < edges[b + 2] else { continue }
                    let rising: Double = (f - edges[b]) / (edges[b + 1] - edges[b])
                    let falling: Double = (edges[b + 2] - f) / (edges[b + 2] - edges[b + 1])
                    s += p * (f < edges[b + 1] ? rising : falling)
                }
                return log(s)
            }
            var cepstra = [Double](repeating: 0, count: coefficients)
            for m in 1...coefficients {
                var sum = 0.0
                for b in 0..<bands {
                    let angle = Double.pi * Double(m) * (Double(b) + 0.5) / Double(bands)
                    sum += logMel[b] * cos(angle)
                }
                cepstra[m - 1] = sum
            }
            out.append(cepstra)
        }
        return out
    }

    /// Share of frames-of-speech (25 ms every 10 ms, loud ones) whose spectral flatness (300–3800 Hz) is more
    /// than twice the median of the 21 frames around it: isolated noisy or whistling frames, the trace
    /// musical noise leaves.
    static func flatnessSpikes(_ url: URL) throws -> Double {
        let x = try TestAudio.samples(url, rate: rate).samples
        let length = 200, hop = 80, size = 256
        let window = (0..<length).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / Double(length - 1)) }
        let starts = Array(Swift.stride(from: 0, through: x.count - length, by: hop))
        let energies = starts.map { s in (0..<length).reduce(0.0) { $0 + Double(x[s + $1]) * Double(x[s + $1]) } }
        let loud = energies.sorted()[energies.count * 95 / 100]
        var flatness: [Double] = []
        for (start, energy) in zip(starts, energies) where energy > loud * 1e-3 && energy > 0 {
            var re = [Double](repeating: 0, count: size), im = [Double](repeating: 0, count: size)
            for n in 0..<length { re[n] = Double(x[start + n]) * window[n] }
            TestFFT.transform(&re, &im)
            let power = (10...121).map { re[$0] * re[$0] + im[$0] * im[$0] + 1e-12 }
            let geometric = exp(power.map { log($0) }.reduce(0, +) / Double(power.count))
            flatness.append(geometric / (power.reduce(0, +) / Double(power.count)))
        }
        guard flatness.count > 21 else { return 0 }
        var spikes = 0
        for i in flatness.indices {
            let around = flatness[max(0, i - 10)...min(flatness.count - 1, i + 10)].sorted()
            if flatness[i] > 2 * around[around.count / 2] { spikes += 1 }
        }
        return Double(spikes) / Double(flatness.count)
    }
}
