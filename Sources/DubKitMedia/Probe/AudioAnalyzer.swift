import Foundation

/// Measures a recording in one streaming pass (memory grows by a few bytes per 20 ms, not with
/// the samples): loudness, peak, clipping, speech share and an SNR estimate.
public enum AudioAnalyzer {
    /// A level counts as full scale from here (16-bit full scale is 32767/32768).
    static let fullScale: Float = 0.9990
    /// Frames this far above the noise floor (and above -50 dBFS) count as speech.
    static let speechMarginDB = 12.0

    /// Analyses the first audio stream of `url`.
    public static func analyze(_ url: URL) throws -> AudioAnalysis {
        let reader = try AudioSampleReader(url)
        var meter = LoudnessMeter(sampleRate: reader.sampleRate, channels: reader.channels)
        let frameLength = max(1, reader.sampleRate / 50)
        var frameFill = 0
        var frameSum = 0.0
        var frameLevels: [Float] = []
        var peak: Float = 0
        var clipped = 0
        var runs = Array(repeating: 0, count: reader.channels)
        var total = 0
        while true {
            let planes = try reader.read()
            let count = planes.first?.count ?? 0
            if count == 0 { break }
            meter.add(planes)
            total += count
            for index in 0..<count {
                var sum = 0.0
                for channel in 0..<planes.count {
                    let value = planes[channel][index]
                    let magnitude = abs(value)
                    peak = max(peak, magnitude)
                    if magnitude >= fullScale {
                        runs[channel] += 1
                        clipped += runs[channel] == 2 ? 2 : runs[channel] > 2 ? 1 : 0
                    } else {
                        runs[channel] = 0
                    }
                    sum += Double(value) * Double(value)
                }
                frameSum += sum / Double(planes.count)
                frameFill += 1
                if frameFill == frameLength {
                    frameLevels.append(Float(10 * log10(max(frameSum / Double(frameLength), 1e-12))))
                    frameSum = 0
                    frameFill = 0
                }
            }
        }
        let (speechShare, snr) = speech(frameLevels)
        return AudioAnalysis(
            durationSeconds: Double(total) / Double(reader.sampleRate),
            loudnessLUFS: meter.integratedLoudness,
            peakDBFS: peak > 0 ? Double(20 * log10(peak)) : nil,
            clippedSamples: clipped,
            speechShare: speechShare,
            snrDB: snr)
    }

    /// The level (dB) above which a 20 ms frame of these counts as speech: the noise floor (10th
    /// percentile) plus a margin, or 10 dB under the 90th percentile when that is lower, never below -50 dBFS.
    public static func speechThreshold(_ levels: [Float]) -> Double {
        guard !levels.isEmpty else { return -50 }
        let sorted = levels.sorted()
        let floor = Double(max(sorted[sorted.count / 10], -100))
        let loud = Double(sorted[sorted.count * 9 / 10])
        // A recording without pauses has its floor at speech level: then 10 dB under its loud frames decides.
        return max(min(floor + speechMarginDB, loud - 10), -50)
    }

    /// The mean-square level of each frame (20 ms unless asked) of `url` mixed to mono, in dB
    /// (`plainPCM` as for ``AudioSampleReader/init(_:sampleRate:plainPCM:)``).
    public static func frameLevels(_ url: URL, sampleRate: Int? = nil, frameSeconds: Double = 0.02,
                                   plainPCM: Bool = false) throws -> [Float] {
        let reader = try AudioSampleReader(url, sampleRate: sampleRate, plainPCM: plainPCM)
        let frameLength = max(1, Int(Double(reader.sampleRate) * frameSeconds))
        var levels: [Float] = []
        var sum = 0.0
        var fill = 0
        while true {
            let planes = try reader.read()
            let count = planes.first?.count ?? 0
            if count == 0 { break }
            // Hours of audio pass through here (sync reports, chunk planning): one tight loop over a mono block.
            let mono = planes.count == 1 ? planes[0] : mix(planes, count: count)
            mono.withUnsafeBufferPointer { samples in
                var index = 0
                while index < count {
                    let end = index + min(count - index, frameLength - fill)
                    var part = 0.0
                    var at = index
                    while at < end {
                        let value = Double(samples[at])
                        part += value * value
                        at += 1
                    }
                    sum += part
                    fill += end - index
                    index = end
                    if fill == frameLength {
                        levels.append(Float(10 * log10(max(sum / Double(frameLength), 1e-12))))
                        sum = 0
                        fill = 0
                    }
                }
            }
        }
        return levels
    }

    /// The first `count` samples of `planes` averaged into one.
    static func mix(_ planes: [[Float]], count: Int) -> [Float] {
        var mono = [Float](repeating: 0, count: count)
        let scale = 1 / Float(planes.count)
        mono.withUnsafeMutableBufferPointer { out in
            for plane in planes {
                plane.withUnsafeBufferPointer { samples in
                    var index = 0
                    while index < count {
                        out[index] += samples[index] * scale
                        index += 1
                    }
                }
            }
        }
        return mono
    }

    /// The share of frames above the noise floor (the 10th percentile level) by a margin, and the
    /// median level of those frames over the floor.
    static func speech(_ levels: [Float]) -> (share: Double, snr: Double?) {
        guard !levels.isEmpty else { return (0, nil) }
        let sorted = levels.sorted()
        let floor = Double(max(sorted[sorted.count / 10], -100))
        let threshold = speechThreshold(levels)
        let speech = sorted.filter { Double($0) > threshold }
        guard !speech.isEmpty else { return (0, nil) }
        let median = Double(speech[speech.count / 2])
        return (Double(speech.count) / Double(levels.count), min(median - floor, 100))
    }
}
