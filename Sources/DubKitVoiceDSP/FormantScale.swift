import Foundation

/// A vocal-tract scale read from a long-term spectrum: the log-frequency centroid of 300–5000 Hz
/// relative to that of an average adult.
enum FormantScale {
    /// Log-centroid in Hz of an average adult (the midpoint of espeak-ng's m3 and f3 voices).
    static let adultCentroid = 575.0

    static func estimate(_ spectrum: [Double]) -> Double {
        var weight = 0.0, sum = 0.0
        for (f, db) in zip(SpectralBands.centres, spectrum) where (300...5000).contains(f) && SpectralBands.isPresent(db) {
            let w = pow(10, db / 10)
            weight += w
            sum += w * log(f)
        }
        guard weight > 0 else { return 1 }
        return exp(sum / weight) / adultCentroid
    }
}
