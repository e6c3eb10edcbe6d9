import Foundation

/// Brings audio to a loudness (EBU R128 / ITU-R BS.1770-4) at its own rate, in our own code: one
/// pass measures integrated loudness and true peak (``LoudnessMeter``), a second applies one gain
/// through a true-peak limiter (``TruePeakLimiter``) while writing. Only when the limiter had to
/// take loudness away from peaks does a further pass win it back with a corrected gain.
public enum LoudnessLeveler {
    /// Room kept under the ceiling for the peaks other meters find between samples (an interpolator
    /// finer than annex 2's reads up to about 0.2 dB more on some signals).
    static let peakMargin = 0.3
    /// Write passes at most; each corrects the gain by what the limiter cost the one before.
    static let maximumWritePasses = 4

    /// Measures the first audio stream of `input` in one pass. `progress` gets 0...1.
    public static func measure(_ input: URL, progress: ((Double) -> Void)? = nil) throws -> LoudnessMeasurement {
        try measuring(input, progress: { progress?($0) })
    }

    /// ``measure(_:progress:)`` on a thread of its own; cancelling stops it with `CancellationError`.
    public static func measure(_ input: URL, progress: (@Sendable (Double) -> Void)? = nil) async throws -> LoudnessMeasurement {
        try await offPool { isCancelled in
            try measuring(input, progress: { fraction in
                progress?(fraction)
                if isCancelled() { throw CancellationError() }
            })
        }
    }

    /// Writes `input`'s first audio stream to `output` (16-bit PCM WAV at its own rate and channels)
    /// at `target`'s integrated loudness, within its tolerance, with the true peak under its ceiling.
    /// `measured` skips the measuring pass when the input was measured already. Nothing is left under
    /// `output`'s name unless the whole file was written. Throws ``MediaError/invalidFilter(path:reason:)``
    /// for a bad target or for silent audio.
    @discardableResult
    public static func level(_ input: URL, to output: URL, target: LoudnessTarget, measured: LoudnessMeasurement? = nil,
                             progress: ((Double) -> Void)? = nil) throws -> LoudnessLeveling {
        try leveling(input, to: output, target: target, measured: measured, progress: { progress?($0) })
    }

    /// ``level(_:to:target:measured:progress:)`` on a thread of its own; cancelling stops it with
    /// `CancellationError` and leaves no output.
    @discardableResult
    public static func level(_ input: URL, to output: URL, target: LoudnessTarget, measured: LoudnessMeasurement? = nil,
                             progress: (@Sendable (Double) -> Void)? = nil) async throws -> LoudnessLeveling {
        try await offPool { isCancelled in
            try leveling(input, to: output, target: target, measured: measured, progress: { fraction in
                progress?(fraction)
                if isCancelled() { throw CancellationError() }
            })
        }
    }

    typealias ThrowingProgress = (Double) throws -> Void

    private static func measuring(_ input: URL, progress: ThrowingProgress) throws -> LoudnessMeasurement {
        MediaLibrary.prepare()
        let reader = try AudioSampleReader(input, plainPCM: true)
        var meter = LoudnessMeter(sampleRate: reader.sampleRate, channels: reader.channels)
        let total = max(expectedSamples(input, rate: reader.sampleRate), 1)
        var lastReported = 0.0
        while try reader.readBlock({ planes, count in meter.add(planes, count: count) }) > 0 {
            let fraction = min(Double(meter.sampleCount) / total, 1)
            if fraction - lastReported >= 0.01 {
                lastReported = fraction
                try progress(fraction)
            }
        }
        try progress(1)
        return meter.measurement
    }

    private static func leveling(_ input: URL, to output: URL, target: LoudnessTarget, measured: LoudnessMeasurement?,
                                 progress: @escaping ThrowingProgress) throws -> LoudnessLeveling {
        if let problem = target.problem { throw MediaError.invalidFilter(path: input.path, reason: problem) }
        MediaLibrary.prepare()
        // The bar: the measuring pass, then one writing pass (two when the limiter will work, as
        // winning back what it takes usually needs one more); a pass past the plan shares what is left.
        var bar = PassBar(passes: measured == nil ? 2 : 1, report: progress)
        let before = try measured ?? measuring(input, progress: { try bar.report($0) })
        guard let integrated = before.integrated, integrated > -70 else {
            throw MediaError.invalidFilter(path: input.path, reason: "the audio is silent (below -70 LUFS); there is no loudness to normalise")
        }
        let ceiling = target.truePeak - peakMargin
        var gain = min(max(target.integrated - integrated, -60), 60)
        let limits = (before.truePeak ?? -200) + gain > ceiling
        if measured == nil { bar.nextPass(left: limits ? 2 : 1) } else if limits { bar.nextPass(left: 2) }
        let temporary = TemporaryOutput(for: output)
        defer { temporary.discard() }
        var passes = measured == nil ? 1 : 0
        var writes = 0
        // The loudness written grows with the gain, but the limiter gives back less than each dB:
        // the nearest gains found under and over the target bracket the one that reaches it.
        var under: (gain: Double, reached: Double)?
        var over: (gain: Double, reached: Double)?
        var last: (gain: Double, reached: Double)?
        while true {
            let passGain = gain
            // A plain gain when the peaks allow it: the result is then known without measuring it.
            let plain = (before.truePeak ?? -200) + gain <= ceiling
            let written = try write(input, to: temporary.temporary, gain: gain, ceiling: ceiling, meter: !plain,
                                    progress: { try bar.report($0) })
            passes += 1
            writes += 1
            let after = written.measurement ?? shifted(before, by: gain)
            let reached = after.integrated ?? -70
            let miss = target.integrated - reached
            if abs(miss) <= target.tolerance || writes >= maximumWritePasses {
                try temporary.commit()
                return LoudnessLeveling(before: before, after: after, gain: gain, limitedSeconds: written.limitedSeconds,
                                        deepestReduction: written.deepestReduction, passes: passes)
            }
            if miss > 0 { under = (gain, reached) } else { over = (gain, reached) }
            if let under, let over {
                // Between the two, as if the loudness grew evenly with the gain there.
                gain = under.gain + (target.integrated - under.reached) * (over.gain - under.gain) / max(over.reached - under.reached, 0.01)
            } else {
                // The slope the last two passes showed; after the first, about half of each dB of
                // gain reaches the loudness where the limiter works (speech and music here: 0.3-0.6).
                var slope = 0.5
                if let last, last.gain != gain { slope = (reached - last.reached) / (gain - last.gain) }
                gain += miss / min(max(slope, 0.05), 1)
            }
            last = (gain: passGain, reached: reached)
            gain = min(max(gain, -60), 60)
            bar.nextPass()
        }
    }

    /// What one writing pass did.
    private struct Written {
        var measurement: LoudnessMeasurement?
        var limitedSeconds: Double
        var deepestReduction: Double
    }

    /// One writing pass: `input` through the gain and the limiter into a 16-bit WAV at `url`,
    /// measured on the way when `meter`.
    private static func write(_ input: URL, to url: URL, gain: Double, ceiling: Double, meter measuring: Bool,
                              progress: ThrowingProgress) throws -> Written {
        let reader = try AudioSampleReader(input, plainPCM: true)
        let channels = reader.channels
        let limiter = TruePeakLimiter(sampleRate: reader.sampleRate, channels: channels, gainDecibels: gain,
                                      ceilingDecibels: ceiling)
        var meter = measuring ? LoudnessMeter(sampleRate: reader.sampleRate, channels: channels) : nil
        let writer = try PCMWAVWriter(url, sampleRate: reader.sampleRate, channels: channels)
        var interleaved: [Float] = []
        func emit(_ planes: [UnsafeBufferPointer<Float>]) throws {
            guard let count = planes.first?.count, count > 0 else { return }
            if meter != nil { meter?.add(planes.compactMap(\.baseAddress), count: count) }
            if channels == 1 {
                try writer.write(planes[0])
                return
            }
            interleaved.removeAll(keepingCapacity: true)
            interleaved.reserveCapacity(count * channels)
            for index in 0..<count {
                for channel in 0..<channels { interleaved.append(planes[channel][index]) }
            }
            try writer.write(interleaved)
        }
        let total = max(expectedSamples(input, rate: reader.sampleRate), 1)
        var done = 0
        var lastReported = 0.0
        while try reader.readBlock({ planes, count in
            try limiter.process(planes, count: count, output: emit)
            done += count
        }) > 0 {
            let fraction = min(Double(done) / total, 1)
            if fraction - lastReported >= 0.01 {
                lastReported = fraction
                try progress(fraction)
            }
        }
        try limiter.finish(emit)
        try writer.finish()
        try progress(1)
        return Written(measurement: meter?.measurement, limitedSeconds: Double(limiter.limitedSamples) / Double(reader.sampleRate),
                       deepestReduction: limiter.deepestReduction)
    }

    /// `measured` moved by a plain gain of `gain` dB.
    private static func shifted(_ measured: LoudnessMeasurement, by gain: Double) -> LoudnessMeasurement {
        var result = measured
        result.integrated = measured.integrated.map { $0 + gain }
        result.truePeak = measured.truePeak.map { $0 + gain }
        result.samplePeak = measured.samplePeak.map { $0 + gain }
        result.threshold = measured.threshold.map { $0 + gain }
        return result
    }

    /// Samples per channel `url` should hold at `rate`, from its header (0 when it does not say).
    private static func expectedSamples(_ url: URL, rate: Int) -> Double {
        ((try? MediaProbe.probe(url).durationSeconds) ?? nil).map { $0 * Double(rate) } ?? 0
    }

    /// Runs `work` on a thread of its own (the cooperative pool is not blocked), telling it when the task is cancelled.
    private static func offPool<T: Sendable>(_ work: @escaping @Sendable (_ isCancelled: @escaping () -> Bool) throws -> T) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(with: Result { try work { flag.isRaised } })
                }
            }
        } onCancel: {
            flag.raise()
        }
    }
}

/// One 0...1 bar over several passes: each pass fills its share of what is left, so the bar never goes back.
private struct PassBar {
    /// Passes still to run, the current one included.
    private var left: Int
    private var start = 0.0
    private var shown = 0.0
    private let sink: LoudnessLeveler.ThrowingProgress

    init(passes: Int, report: @escaping LoudnessLeveler.ThrowingProgress) {
        left = max(passes, 1)
        sink = report
    }

    /// The current pass is `fraction` done.
    mutating func report(_ fraction: Double) throws {
        let value = min(start + (1 - start) / Double(left) * min(max(fraction, 0), 1), 1)
        guard value > shown else { return }
        shown = value
        try sink(value)
    }

    /// The current pass is over (or re-planned): `left` passes follow, one fewer than before unless said.
    mutating func nextPass(left remaining: Int? = nil) {
        start = shown
        left = max(remaining ?? left - 1, 1)
    }
}
