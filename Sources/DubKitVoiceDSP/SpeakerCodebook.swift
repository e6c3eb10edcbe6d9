import Foundation

/// The frame-level part of a trained voice: the speaker's loud frames clustered into at most
/// ``maxClasses`` classes by the shape of their spectral envelope (cepstra after removing the speaker's
/// mean envelope), each class kept as its mean envelope in dB per ``EnvelopeBands`` band. A converted
/// frame takes the envelope of the classes nearest to it, so each sound gets this speaker's version of it.
public struct SpeakerCodebook: Codable, Sendable, Equatable {
    /// Version of this layout (bands, features); a codebook of another format is ignored, not misread.
    public static let currentFormat = 1
    /// Most classes a codebook keeps (bounds the model: 256 × 25 values, about 40 kB of JSON).
    public static let maxClasses = 256

    public var format: Int
    /// Bands held, from the lowest (a recording's sample rate limits them).
    public var bands: Int
    /// The speaker's mean envelope over loud frames, dB per band.
    public var mean: [Float]
    /// Each class's mean envelope, dB per band.
    public var classes: [[Float]]
    /// Frames of the training data in each class.
    public var counts: [Int]

    /// Clusters `envelopes` (`bands` values a frame) into classes by k-means on their cepstra; nil when fewer
    /// than 50 frames were loud.
    static func train(envelopes: [Float], bands: Int, classes wanted: Int = maxClasses) -> SpeakerCodebook? {
        let total = envelopes.count / max(1, bands)
        guard bands >= 8, total >= 50 else { return nil }
        // At most 20,000 frames, spread evenly, are clustered: enough for 256 classes, and training stays linear.
        let stride = max(1, total / 20_000)
        let picked = Swift.stride(from: 0, to: total, by: stride).map { $0 }
        let n = picked.count
        var mean = [Float](repeating: 0, count: bands)
        for f in 0..<total { for b in 0..<bands { mean[b] += envelopes[f * bands + b] } }
        mean = mean.map { $0 / Float(total) }
        let d = EnvelopeBands.cepstra
        let basis = EnvelopeBands.cosineBasis(bands: bands)
        var features = [Float](repeating: 0, count: n * d)
        envelopes.withUnsafeBufferPointer { e in
            mean.withUnsafeBufferPointer { m in
                basis.withUnsafeBufferPointer { w in
                    features.withUnsafeMutableBufferPointer { out in
                        guard let ep = e.baseAddress, let mp = m.baseAddress, let wp = w.baseAddress, let op = out.baseAddress else { return }
                        for (i, f) in picked.enumerated() {
                            EnvelopeBands.features(ep + f * bands, mean: mp, bands: bands, basis: wp, into: op + i * d)
                        }
                    }
                }
            }
        }
        let k = max(4, min(wanted, n / 20))
        // Seeds spread over the (time-ordered) frames, so every part of the recording contributes.
        var centroids = [Float](repeating: 0, count: k * d)
        for c in 0..<k {
            let f = (c * n) / k + (n / k) / 2
            for j in 0..<d { centroids[c * d + j] = features[f * d + j] }
        }
        var assignment = [Int](repeating: 0, count: n)
        for _ in 0..<12 {
            Self.assign(features, n: n, centroids: centroids, k: k, into: &assignment)
            var sums = [Float](repeating: 0, count: k * d)
            var sizes = [Int](repeating: 0, count: k)
            for i in 0..<n {
                let c = assignment[i]
                sizes[c] += 1
                for j in 0..<d { sums[c * d + j] += features[i * d + j] }
            }
            for c in 0..<k where sizes[c] > 0 {
                for j in 0..<d { centroids[c * d + j] = sums[c * d + j] / Float(sizes[c]) }
            }
        }
        Self.assign(features, n: n, centroids: centroids, k: k, into: &assignment)
        var envelopeSums = [[Float]](repeating: [Float](repeating: 0, count: bands), count: k)
        var sizes = [Int](repeating: 0, count: k)
        for (i, f) in picked.enumerated() {
            let c = assignment[i]
            sizes[c] += 1
            for b in 0..<bands { envelopeSums[c][b] += envelopes[f * bands + b] }
        }
        var classes: [[Float]] = []
        var counts: [Int] = []
        for c in 0..<k where sizes[c] > 0 {
            // Tenths of a dB are finer than any audible difference, and keep the JSON short.
            classes.append(envelopeSums[c].map { ($0 / Float(sizes[c]) * 10).rounded() / 10 })
            counts.append(sizes[c] * stride)
        }
        return SpeakerCodebook(format: currentFormat, bands: bands, mean: mean.map { ($0 * 10).rounded() / 10 },
                               classes: classes, counts: counts)
    }

    /// Index of the nearest centroid of each of the `n` feature vectors.
    private static func assign(_ features: [Float], n: Int, centroids: [Float], k: Int, into assignment: inout [Int]) {
        let d = EnvelopeBands.cepstra
        features.withUnsafeBufferPointer { x in
            centroids.withUnsafeBufferPointer { c in
                for i in 0..<n {
                    var best = 0
                    var bestDistance = Float.infinity
                    for j in 0..<k {
                        var s: Float = 0
                        for m in 0..<d {
                            let diff = x[i * d + m] - c[j * d + m]
                            s += diff * diff
                        }
                        if s < bestDistance { bestDistance = s; best = j }
                    }
                    assignment[i] = best
                }
            }
        }
    }

    /// Whether the codebook can be used: a known format and consistent sizes.
    var isUsable: Bool {
        format == Self.currentFormat && bands >= 8 && bands <= EnvelopeBands.count && mean.count == bands && !classes.isEmpty
            && classes.allSatisfy { $0.count == bands }
    }
}
