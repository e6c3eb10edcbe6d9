import DubKitMedia
import Foundation

/// Converts a recording towards a target ``VoiceProfile``: pitch mapped along the contour, formants
/// scaled, the long-term spectrum equalised and loudness set; streaming, output as long as the input.
public enum VoiceConverter {
    /// What a conversion decided, for logs and tests.
    public struct Summary: Sendable, Equatable {
        /// The source's profile, or nil when strength 0 made analysis unnecessary.
        public var source: VoiceProfile?
        /// Pitch ratio applied to unvoiced and average frames (including ``ConversionSettings/pitchShift``).
        public var meanPitchRatio: Double
        /// Absolute formant ratio applied (α to the power of the strength).
        public var formantRatio: Double
        /// EQ gains in dB per band of ``VoiceProfile/bandCentres``.
        public var equaliser: [Double]
        /// Gain in dB applied at the end.
        public var gain: Double
        /// Output samples that exceeded full scale and were clipped (0 unless the target is much louder).
        public var clippedSamples = 0
        /// Classes of the target's codebook the envelopes were mapped onto (0: no codebook, the EQ was used).
        public var envelopeClasses = 0
    }

    /// Converts `input` (any format FFmpeg reads) into `output` (mono 16-bit WAV at the input's rate)
    /// towards `target`; `progress` gets 0...1.
    @discardableResult
    public static func convert(
        input: URL, output: URL, target: VoiceProfile, settings: ConversionSettings = ConversionSettings(),
        progress: ((Double) -> Void)? = nil
    ) throws -> Summary {
        try settings.validate()
        // The target may come from a project's store or an imported file: never index or divide by what it holds unchecked.
        try target.validate(voice: "(the conversion's target)")
        let scratch = try ScratchFolder()
        let k = settings.conversionStrength
        let shiftLog = settings.pitchShift * log(2) / 12
        let partial = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let reader = try VoiceAnalyzer.monoReader(of: input, decodingInto: scratch.url.appendingPathComponent("source.wav"),
                                              denoise: settings.denoise)
        let total = reader.frameCount
        var summary = Summary(source: nil, meanPitchRatio: exp(shiftLog), formantRatio: 1,
                              equaliser: [Double](repeating: 0, count: SpectralBands.count), gain: 0)

        if k == 0 && settings.pitchShift == 0 {
            let writer = try OutputWAV(partial, sampleRate: reader.sampleRate)
            while true {
                let block = try reader.read(reader.sampleRate * 4)
                if block.isEmpty { break }
                try writer.append(block)
                progress?(Double(total - reader.remainingFrames) / Double(max(1, total)))
            }
            try writer.finish()
            summary.clippedSamples = writer.clippedSamples
        } else {
            // Pass 1: the F0 track (one value per 20 ms hop, 0 when not even weakly voiced), and the source's profile.
            let analyzer = FrameAnalyzer(sampleRate: reader.sampleRate)
            var track: [Float] = []
            track.reserveCapacity(total / analyzer.hop + 1)
            let record: (FrameAnalyzer.Frame) -> Void = { track.append(Float($0.weakF0 ?? 0)) }
            while true {
                let block = try reader.read(reader.sampleRate * 4)
                if block.isEmpty { break }
                analyzer.feed(block, onFrame: record)
                progress?(0.45 * Double(min(total, track.count * analyzer.hop)) / Double(max(1, total)))
            }
            analyzer.finish(onFrame: record)
            let source = k > 0 ? try FrameAnalyzer.profile(of: [analyzer], files: [input]) : nil
            let plan = source.map { Plan(source: $0, target: target, strength: k) }
            summary.source = source
            summary.meanPitchRatio = exp((plan?.meanLogRatio ?? 0) + shiftLog)
            summary.formantRatio = plan?.formantRatio ?? 1
            let contour = Self.contour(track: track, analyzer: analyzer, plan: plan, shiftLog: shiftLog)

            // The EQ (or the envelope mapping) and the gain come from the shifted signal, measured on a preview.
            var equaliser: FIRFilter?
            var mapper: EnvelopeMapper?
            var linear: Float = 1
            if let plan, settings.mapsEnvelopes == true, let codebook = target.codebook, codebook.isUsable {
                let collector = EnvelopeCollector(sampleRate: reader.sampleRate, keepEvery: .max)
                let shifted = try Self.previewAnalysis(reader, contour: contour, formantRatio: summary.formantRatio, collector: collector).analyzer
                if let mean = collector.mean, let loudness = shifted.spectrumAndLoudness()?.loudness {
                    mapper = EnvelopeMapper(sampleRate: reader.sampleRate, sourceMean: mean, codebook: codebook, strength: k)
                    summary.gain = plan.wantedLoudness(volumeMix: settings.modelVolumeMix) - loudness
                    summary.envelopeClasses = codebook.classes.count
                }
                linear = Float(pow(10, summary.gain / 20))
            } else if let plan {
                let (shifted, excerpts) = try Self.previewAnalysis(reader, contour: contour, formantRatio: summary.formantRatio,
                                                                   keep: true)
                if let measured = shifted.spectrumAndLoudness() {
                    (summary.equaliser, summary.gain) = plan.equaliser(
                        shifted: measured.spectrum, shiftedLoudness: measured.loudness, volumeMix: settings.modelVolumeMix)
                    // The EQ's effect on loudness, measured rather than estimated from the bands: on the
                    // shifted preview kept in memory, so it is not read and shifted a second time.
                    let equalised = Self.equalisedAnalysis(excerpts, gains: summary.equaliser, sampleRate: reader.sampleRate)
                    if let loudness = equalised.spectrumAndLoudness()?.loudness {
                        summary.gain = plan.wantedLoudness(volumeMix: settings.modelVolumeMix) - loudness
                    }
                }
                equaliser = FIRFilter(gains: summary.equaliser, sampleRate: reader.sampleRate)
                linear = Float(pow(10, summary.gain / 20))
            }
            progress?(0.5)

            // Pass 2: pitch and formants, the envelope mapping or EQ, and the gain in one stream.
            try reader.seek(toFrame: 0)
            let shifter = PSOLAShifter(contour: contour, formantRatio: summary.formantRatio)
            let writer = try OutputWAV(partial, sampleRate: reader.sampleRate)
            var written = 0
            func write(_ samples: [Float]) throws {
                written += samples.count
                try writer.append(linear == 1 ? samples : samples.map { $0 * linear })
            }
            while true {
                let block = try reader.read(reader.sampleRate)
                if block.isEmpty { break }
                let shifted = shifter.process(block)
                try write(mapper?.process(shifted) ?? equaliser?.process(shifted) ?? shifted)
                progress?(0.5 + 0.5 * Double(written) / Double(max(1, total)))
            }
            let tail = shifter.finish(end: total)
            if let mapper {
                try write(mapper.process(tail))
                try write(mapper.finish(total: total - written))
            } else if let equaliser {
                try write(equaliser.process(tail))
                try write(equaliser.finish(total: total - written))
            } else {
                try write(tail)
            }
            try writer.finish()
            summary.clippedSamples = writer.clippedSamples
        }
        do {
            if FileManager.default.fileExists(atPath: output.path) { try FileManager.default.removeItem(at: output) }
            try FileManager.default.moveItem(at: partial, to: output)
        } catch {
            throw LocalEngineError.unwritableOutput(file: output.path, reason: error.localizedDescription)
        }
        progress?(1)
        return summary
    }

    /// The contour the shifter follows: the source's F0 track and, per frame, the mapped log pitch ratio
    /// (smoothed over neighbouring frames) plus the extra shift.
    static func contour(track raw: [Float], analyzer: FrameAnalyzer, plan: Plan?, shiftLog: Double) -> PitchContour {
        let track = PitchContour.repaired(raw)
        var smoothed = plan?.meanLogRatio ?? 0
        let ratios = track.map { f0 -> Float in
            var logRatio = plan?.meanLogRatio ?? 0
            if let plan, f0 > 0 { logRatio = plan.logRatio(f0: Double(f0)) }
            smoothed = 0.5 * smoothed + 0.5 * logRatio
            return Float(smoothed + shiftLog)
        }
        return PitchContour(hop: analyzer.hop, centre: Double(analyzer.window) / 2, sampleRate: Double(analyzer.sampleRate),
                            f0: track, logRatio: ratios)
    }

    /// Seconds per preview excerpt, and how many excerpts a long input is sampled with.
    static let previewExcerpt = 3
    static let previewExcerpts = 20

    /// Shifts a preview of `reader`'s file (all of it up to a minute, else 20 excerpts of 3 s spread
    /// evenly) and returns an analyser that measured the result's spectrum and loudness, and with
    /// `keep` the shifted excerpts themselves; `collector` gets the shifted samples too.
    static func previewAnalysis(
        _ reader: PCMWAVSampleReader, contour: PitchContour, formantRatio: Double, collector: EnvelopeCollector? = nil, keep: Bool = false
    ) throws -> (analyzer: FrameAnalyzer, excerpts: [[Float]]) {
        let total = reader.frameCount
        let excerpt = previewExcerpt * reader.sampleRate
        let whole = total <= excerpt * previewExcerpts
        let length = whole ? total : excerpt
        let starts = whole ? [0] : (0..<previewExcerpts).map { $0 * (total - excerpt) / (previewExcerpts - 1) }
        let analyzer = FrameAnalyzer(sampleRate: reader.sampleRate, tracksPitch: false)
        var excerpts: [[Float]] = []
        for start in starts {
            try reader.seek(toFrame: start)
            let shifter = PSOLAShifter(contour: contour, formantRatio: formantRatio, start: start)
            var kept: [Float] = []
            if keep { kept.reserveCapacity(length) }
            var read = 0
            func feed(_ samples: [Float]) {
                analyzer.feed(samples)
                collector?.feed(samples)
                if keep { kept.append(contentsOf: samples) }
            }
            while read < length {
                let block = try reader.read(min(length - read, reader.sampleRate))
                if block.isEmpty { break }
                read += block.count
                feed(shifter.process(block))
            }
            feed(shifter.finish(end: start + read))
            if keep { excerpts.append(kept) }
        }
        return (analyzer, excerpts)
    }

    /// The shifted preview `excerpts`, each equalised by `gains` on its own, measured by a fresh analyser.
    static func equalisedAnalysis(_ excerpts: [[Float]], gains: [Double], sampleRate: Int) -> FrameAnalyzer {
        let analyzer = FrameAnalyzer(sampleRate: sampleRate, tracksPitch: false)
        for excerpt in excerpts {
            let equaliser = FIRFilter(gains: gains, sampleRate: sampleRate)
            var start = 0, produced = 0
            while start < excerpt.count {
                let end = min(excerpt.count, start + sampleRate)
                let filtered = equaliser.process(Array(excerpt[start..<end]))
                produced += filtered.count
                analyzer.feed(filtered)
                start = end
            }
            analyzer.feed(equaliser.finish(total: excerpt.count - produced))
        }
        return analyzer
    }

    /// The mapping from source to target, fixed before the signal pass.
    struct Plan {
        let meanLogRatio: Double
        let spreadRatio: Double
        let source: VoiceProfile
        let target: VoiceProfile
        let strength: Double
        /// The full warp α between the voices.
        let alpha: Double
        let formantRatio: Double

        init(source: VoiceProfile, target: VoiceProfile, strength k: Double) {
            self.source = source
            self.target = target
            strength = k
            // Centred on the medians rather than the log means: real speech has tails (creak, octave slips) that
            // pull the mean but not the median, and the median is what a listener hears as the voice's pitch.
            meanLogRatio = k * (log(target.medianF0) - log(source.medianF0))
            spreadRatio = max(0.5, min(2, target.logF0StandardDeviation / max(1e-3, source.logF0StandardDeviation)))
            if target.origin == .measured && source.origin == .measured {
                alpha = SpectralBands.bestWarp(from: source.longTermSpectrum, to: target.longTermSpectrum)
            } else {
                alpha = max(0.75, min(1.4, target.formantScale / max(1e-3, source.formantScale)))
            }
            formantRatio = pow(alpha, k)
        }

        /// EQ gains in dB per band (target minus the pitch- and formant-shifted source, smoothed, clamped,
        /// times strength) and the output gain in dB, from the shifted signal's measured spectrum and loudness.
        func equaliser(shifted: [Double], shiftedLoudness: Double, volumeMix: Double) -> ([Double], Double) {
            var targetSpectrum = target.longTermSpectrum
            if target.origin == .builtIn {
                // A preset only says its tilt: keep the shifted source's shape, change its tilt.
                let delta = SpectralBands.tilt(target.longTermSpectrum) - SpectralBands.tilt(shifted)
                targetSpectrum = zip(shifted, SpectralBands.centres).map { $0.0 + delta * log2($0.1 / 1000) }
            }
            let gains = SpectralBands.equaliser(from: shifted, to: targetSpectrum).map { $0 * strength }
            // Keep the EQ from changing loudness: compensate its power gain on the shifted signal.
            var before = 0.0, after = 0.0
            for (db, g) in zip(shifted, gains) where SpectralBands.isPresent(db) {
                let p = pow(10, db / 10)
                before += p
                after += p * pow(10, g / 10)
            }
            let eqGain = before > 0 && after > 0 ? 10 * log10(after / before) : 0
            return (gains, wantedLoudness(volumeMix: volumeMix) - shiftedLoudness - eqGain)
        }

        /// Output loudness in dBFS: the source's, moved towards the target's by `volumeMix`.
        func wantedLoudness(volumeMix: Double) -> Double {
            source.loudness + volumeMix * (target.loudness - source.loudness)
        }

        /// Log pitch ratio for a voiced frame at `f0`: its log-F0 distance from the source's median scaled by the
        /// ratio of spreads, placed around the target's median, scaled by strength.
        func logRatio(f0: Double) -> Double {
            let sd = max(1e-3, source.logF0StandardDeviation)
            let deviation = max(-2.5 * sd, min(2.5 * sd, log(f0) - log(source.medianF0)))
            return meanLogRatio + strength * (spreadRatio - 1) * deviation
        }
    }
}
