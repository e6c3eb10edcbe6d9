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

        let plan = source.map { Plan(source: $0, target: target, strength: k, volumeMix: settings.modelVolumeMix) }
        let summary = Summary(
            source: source, meanPitchRatio: exp((plan?.meanLogRatio ?? 0) + shiftLog), formantRatio: plan?.formantRatio ?? 1,
            equaliser: plan?.equaliser ?? [Double](repeating: 0, count: SpectralBands.count), gain: plan?.gain ?? 0)

        // Pass 2: convert.
        let reader = try WAVReader(url: wav)
        let total = reader.sampleCount
        let partial = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial")
        let writer = try WAVWriter(url: partial, sampleRate: reader.sampleRate)
        defer { try? FileManager.default.removeItem(at: partial) }
        let hop = max(1, reader.sampleRate / 50)

        if k == 0 && settings.pitchShift == 0 {
            while true {
                let block = try reader.read(reader.sampleRate * 4)
                if block.isEmpty { break }
                try writer.append(block)
            }
        } else {
            let shifter = try PitchShifter(sampleRate: reader.sampleRate, maxBlock: hop)
            let eq = plan.map { FIRFilter(gains: $0.equaliser, sampleRate: reader.sampleRate) }
            let gain = Float(pow(10, summary.gain / 20))
            var shifted = 0, written = 0, hopIndex = 0
            var smoothedLog = (plan?.meanLogRatio ?? 0)
            func emit(_ samples: [Float]) throws {
                var block = Array(samples.prefix(total - shifted))
                shifted += block.count
                if let eq { block = eq.process(block) }
                if gain != 1 { block = block.map { $0 * gain } }
                written += block.count
                try writer.append(block)
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
                if hopIndex % 250 == 0 { progress?(0.3 + 0.7 * Double(hopIndex * hop) / Double(max(1, total))) }
            }
            // Flush: silence in until the shifter has handed back as much as went in.
            var rounds = 0
            let silence = [Float](repeating: 0, count: hop)
            while shifted < total && rounds < 100_000 {
                try emit(shifter.process(silence, final: false))
                rounds += 1
            }
            if let eq {
                var tail = eq.finish(total: total - written)
                if gain != 1 { tail = tail.map { $0 * gain } }
                try writer.append(tail)
            }
        }
        try writer.finish()
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
        let strength: Double
        let formantRatio: Double
        let equaliser: [Double]
        let gain: Double

        init(source: VoiceProfile, target: VoiceProfile, strength k: Double, volumeMix: Double) {
            self.source = source
            strength = k
            meanLogRatio = k * (target.logF0Mean - source.logF0Mean)
            spreadRatio = max(0.5, min(2, target.logF0StandardDeviation / max(1e-3, source.logF0StandardDeviation)))
            let alpha: Double
            var targetSpectrum = target.longTermSpectrum
            if target.origin == .measured && source.origin == .measured {
                alpha = SpectralBands.bestWarp(from: source.longTermSpectrum, to: target.longTermSpectrum)
            } else {
                alpha = max(0.75, min(1.4, target.formantScale / max(1e-3, source.formantScale)))
                // A preset only says its tilt: keep the warped source's shape, change its tilt.
                let warped = SpectralBands.warp(source.longTermSpectrum, by: alpha)
                let delta = SpectralBands.tilt(target.longTermSpectrum) - SpectralBands.tilt(warped)
                targetSpectrum = zip(warped, SpectralBands.centres).map { $0.0 + delta * log2($0.1 / 1000) }
            }
            formantRatio = pow(alpha, k)
            let warped = SpectralBands.warp(source.longTermSpectrum, by: alpha)
            equaliser = SpectralBands.equaliser(from: warped, to: targetSpectrum).map { $0 * k }
            // Keep the EQ from changing loudness: compensate its power gain on the warped source.
            var before = 0.0, after = 0.0
            for (db, g) in zip(warped, equaliser) where SpectralBands.isPresent(db) {
                let p = pow(10, db / 10)
                before += p
                after += p * pow(10, g / 10)
            }
            let eqGain = before > 0 && after > 0 ? 10 * log10(after / before) : 0
            gain = volumeMix * (target.loudness - source.loudness) - eqGain
        }

        /// Log pitch ratio for a voiced frame at `f0`: the log-F0 mean and spread mapped, scaled by strength.
        func logRatio(f0: Double) -> Double {
            let sd = max(1e-3, source.logF0StandardDeviation)
            let deviation = max(-2.5 * sd, min(2.5 * sd, log(f0) - source.logF0Mean))
            return meanLogRatio + strength * (spreadRatio - 1) * deviation
        }
    }
}
