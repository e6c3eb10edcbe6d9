import Foundation

extension AudioProcessor {
    /// The first of two loudness passes: decodes `input`'s audio through `filters` and loudnorm in
    /// measuring mode, and returns what it measured (integrated loudness, true peak, range, threshold,
    /// and the offset for `targetLUFS`). Throws ``MediaError/invalidFilter(path:reason:)`` for silent audio.
    public static func measureLoudness(
        of input: URL, targetLUFS: Double = -16, truePeak: Double = -1.5, stream: AudioStreamSelection = .first,
        filters: [AudioFilter] = []
    ) async throws -> LoudnessMeasurement {
        if let problem = AudioFilter.loudness(targetLUFS: targetLUFS, truePeak: truePeak).problem {
            throw MediaError.invalidFilter(path: input.path, reason: problem)
        }
        let meter = LoudnormReport(targetLUFS: targetLUFS, truePeak: truePeak)
        // The meter runs before the output's resampling, so the pass's own output can be small; it is thrown away.
        var options = AudioExtractionOptions(sampleRate: 8_000, channels: .mono, format: .wav, stream: stream, filters: filters)
        options.loudnormReport = meter
        // Named for this process, so that a later pass removes it if this one is killed before its `defer`.
        OwnedTemporary.sweepTemporaryFolder()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(OwnedTemporary.name("dubkit-loudness", suffix: ".wav"))
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await AudioExtractor.extractAudio(from: input, to: scratch, options: options, progress: nil)
        guard let measurement = meter.measurement else {
            throw MediaError.processingFailed(path: input.path, detail: "the loudness measurement produced no report")
        }
        guard measurement.integrated.isFinite, measurement.integrated > -70 else {
            throw MediaError.invalidFilter(path: input.path, reason: "the audio is silent (below -70 LUFS); there is no loudness to normalise")
        }
        return measurement
    }

    /// Normalises `input`'s loudness to `targetLUFS` and writes `output` (after any `options.filters`).
    /// `twoPass` (the default) measures first and then applies one exact gain, landing within about
    /// 1 LU of the target; a single pass adjusts as it goes and is less exact on short or uneven audio.
    @discardableResult
    public static func normalizeLoudness(
        from input: URL, to output: URL, targetLUFS: Double, truePeak: Double = -1.5, twoPass: Bool = true,
        options: AudioExtractionOptions = AudioExtractionOptions(), progress: (@Sendable (Double) -> Void)? = nil
    ) async throws -> AudioExtraction {
        var options = options
        var measured: LoudnessMeasurement?
        if twoPass {
            let found = try await measureLoudness(of: input, targetLUFS: targetLUFS, truePeak: truePeak,
                                                  stream: options.stream, filters: options.filters)
            measured = found
            if found.truePeak + (targetLUFS - found.integrated) > truePeak {
                options.filters += try await limitedGain(
                    of: input, from: found, targetLUFS: targetLUFS, truePeak: truePeak, options: options)
                return try await AudioExtractor.extractAudio(from: input, to: output, options: options, progress: progress)
            }
        }
        options.filters.append(.loudness(targetLUFS: targetLUFS, truePeak: truePeak, measured: measured))
        return try await AudioExtractor.extractAudio(from: input, to: output, options: options, progress: progress)
    }

    /// When the gain to the target would push the peaks over `truePeak` (loudnorm would then fall
    /// back to adjusting as it goes and miss the target by a LU or more): the gain with a limiter
    /// that holds the peaks under the ceiling, corrected once by measuring what the limiter cost.
    private static func limitedGain(
        of input: URL, from measured: LoudnessMeasurement, targetLUFS: Double, truePeak: Double, options: AudioExtractionOptions
    ) async throws -> [AudioFilter] {
        // A sample-peak limiter: half a dB of room for the peaks between samples.
        let ceiling = truePeak - 0.5
        var gain = targetLUFS - measured.integrated
        let trial = try await measureLoudness(
            of: input, targetLUFS: targetLUFS, truePeak: truePeak, stream: options.stream,
            filters: options.filters + [.gain(decibels: gain), .limiter(ceiling: ceiling)])
        gain = min(max(gain + targetLUFS - trial.integrated, -60), 60)
        return [.gain(decibels: gain), .limiter(ceiling: ceiling)]
    }
}
