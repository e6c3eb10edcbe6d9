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
    }

    /// Converts `input` (any format FFmpeg reads) into `output` (mono 16-bit WAV at the input's rate)
    /// towards `target`; `progress` gets 0...1.
    @discardableResult
    public static func convert(
        input: URL, output: URL, target: VoiceProfile, settings: ConversionSettings = ConversionSettings(),
        progress: ((Double) -> Void)? = nil
    ) throws -> Summary {
        try settings.validate()
        let scratch = try ScratchFolder()
        let wav = try VoiceAnalyzer.normalise(input, into: scratch.url.appendingPathComponent("source.wav"), denoise: settings.denoise)
        let k = settings.conversionStrength
        let shiftLog = settings.pitchShift * log(2) / 12

        // Pass 1: the source's profile and F0 track (one value per 20 ms hop, 0 when unvoiced).
        var source: VoiceProfile?
        var track: [Float] = []
        if k > 0 {
            let reader = try WAVReader(url: wav)
            let analyzer = FrameAnalyzer(sampleRate: reader.sampleRate)
            track.reserveCapacity(reader.sampleCount / analyzer.hop + 1)
            let record: (FrameAnalyzer.Frame) -> Void = { track.append(Float($0.f0 ?? 0)) }
            while true {
                let block = try reader.read(reader.sampleRate * 4)
                if block.isEmpty { break }
                analyzer.feed(block, onFrame: record)
                progress?(0.3 * Double(track.count * analyzer.hop) / Double(max(1, reader.sampleCount)))
            }
            analyzer.finish(onFrame: record)
            source = try FrameAnalyzer.profile(of: [analyzer], files: [input])
        }

        let plan = source.map { Plan(source: $0, target: target, strength: k) }
        var summary = Summary(
            source: source, meanPitchRatio: exp((plan?.meanLogRatio ?? 0) + shiftLog), formantRatio: plan?.formantRatio ?? 1,
            equaliser: [Double](repeating: 0, count: SpectralBands.count), gain: 0)

        let reader = try WAVReader(url: wav)
        let total = reader.sampleCount
        let partial = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let hop = max(1, reader.sampleRate / 50)

        if k == 0 && settings.pitchShift == 0 {
            let writer = try WAVWriter(url: partial, sampleRate: reader.sampleRate)
            while true {
                let block = try reader.read(reader.sampleRate * 4)
                if block.isEmpty { break }
                try writer.append(block)
            }
            try writer.finish()
            summary.clippedSamples = writer.clippedSamples
        } else {
            // Pass 2: pitch and formants; the shifted signal's own long-term spectrum is measured on the way.
            let shiftedURL = plan == nil ? partial : scratch.url.appendingPathComponent("shifted.wav")
            let writer = try WAVWriter(url: shiftedURL, sampleRate: reader.sampleRate)
            let shifter = try PitchShifter(sampleRate: reader.sampleRate, maxBlock: hop)
            let shiftedAnalyzer = FrameAnalyzer(sampleRate: reader.sampleRate, tracksPitch: false)
            // The intermediate file keeps 12 dB of headroom: shifting and EQ can raise peaks.
            let headroom: Float = plan == nil ? 1 : 0.25
            var shifted = 0, hopIndex = 0
            var smoothedLog = plan?.meanLogRatio ?? 0
            func emit(_ samples: [Float]) throws {
                let block = Array(samples.prefix(total - shifted))
                shifted += block.count
                if plan != nil { shiftedAnalyzer.feed(block) }
                try writer.append(headroom == 1 ? block : block.map { $0 * headroom })
            }
            while true {
                let block = try reader.read(hop)
                if block.isEmpty { break }
                var logRatio = plan?.meanLogRatio ?? 0
                if let plan, hopIndex < track.count, track[hopIndex] > 0 {
                    logRatio = plan.logRatio(f0: Double(track[hopIndex]))
                }
                smoothedLog = 0.5 * smoothedLog + 0.5 * logRatio
                shifter.set(pitch: exp(smoothedLog + shiftLog), formant: plan?.formantRatio ?? 1)
                try emit(shifter.process(block))
                hopIndex += 1
                if hopIndex % 250 == 0 { progress?(0.3 + 0.5 * Double(hopIndex * hop) / Double(max(1, total))) }
            }
            // Flush: silence in until the shifter has handed back as much as went in.
            var rounds = 0
            let silence = [Float](repeating: 0, count: hop)
            while shifted < total && rounds < 100_000 {
                try emit(shifter.process(silence))
                rounds += 1
            }
            try writer.finish()
            summary.clippedSamples = writer.clippedSamples

            // Pass 3: one FIR equaliser from the measured spectra, and the loudness gain.
            if let plan {
                let flat = ([Double](repeating: 0, count: SpectralBands.count), 0.0)
                let (gains, gain) = shiftedAnalyzer.spectrumAndLoudness().map {
                    plan.equaliser(shifted: $0.spectrum, shiftedLoudness: $0.loudness, volumeMix: settings.modelVolumeMix)
                } ?? flat
                summary.equaliser = gains
                summary.gain = gain
                let eq = FIRFilter(gains: gains, sampleRate: reader.sampleRate)
                let linear = Float(pow(10, gain / 20)) / headroom
                let input = try WAVReader(url: shiftedURL)
                let out = try WAVWriter(url: partial, sampleRate: reader.sampleRate)
                var written = 0
                while true {
                    let block = try input.read(reader.sampleRate * 2)
                    if block.isEmpty { break }
                    let filtered = eq.process(block)
                    written += filtered.count
                    try out.append(filtered.map { $0 * linear })
                    progress?(0.8 + 0.2 * Double(written) / Double(max(1, total)))
                }
                try out.append(eq.finish(total: total - written).map { $0 * linear })
                try out.finish()
                summary.clippedSamples = out.clippedSamples
            }
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
            meanLogRatio = k * (target.logF0Mean - source.logF0Mean)
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
            let wanted = source.loudness + volumeMix * (target.loudness - source.loudness)
            return (gains, wanted - shiftedLoudness - eqGain)
        }

        /// Log pitch ratio for a voiced frame at `f0`: the log-F0 mean and spread mapped, scaled by strength.
        func logRatio(f0: Double) -> Double {
            let sd = max(1e-3, source.logF0StandardDeviation)
            let deviation = max(-2.5 * sd, min(2.5 * sd, log(f0) - source.logF0Mean))
            return meanLogRatio + strength * (spreadRatio - 1) * deviation
        }
    }
}
