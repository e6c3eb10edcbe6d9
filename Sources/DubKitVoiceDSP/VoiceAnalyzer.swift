import DubKitMedia
import Foundation

/// Measures a ``VoiceProfile`` from recordings, streaming them in blocks.
public enum VoiceAnalyzer {
    /// The profile of the speaker in `files` (any format FFmpeg reads; statistics pooled over all files).
    public static func profile(of files: [URL]) throws -> VoiceProfile {
        try profile(of: files, denoise: false)
    }

    /// The profile of `files`, optionally denoised first.
    static func profile(of files: [URL], denoise: Bool) throws -> VoiceProfile {
        guard !files.isEmpty else { throw LocalEngineError.noVoicedSpeech(files: []) }
        let scratch = try ScratchFolder()
        var analyzers: [FrameAnalyzer] = []
        var collectors: [EnvelopeCollector] = []
        for (i, file) in files.enumerated() {
            let reader = try Self.monoReader(of: file, decodingInto: scratch.url.appendingPathComponent("in\(i).wav"), denoise: denoise)
            let analyzer = FrameAnalyzer(sampleRate: reader.sampleRate)
            let collector = EnvelopeCollector(sampleRate: reader.sampleRate)
            while true {
                let block = try reader.read(reader.sampleRate * 4)
                if block.isEmpty { break }
                analyzer.feed(block)
                collector.feed(block)
            }
            analyzer.finish()
            analyzers.append(analyzer)
            collectors.append(collector)
        }
        var profile = try FrameAnalyzer.profile(of: analyzers, files: files)
        profile.codebook = codebook(of: collectors)
        return profile
    }

    /// The codebook of the loud frames of all recordings, over the bands every one of them holds.
    static func codebook(of collectors: [EnvelopeCollector]) -> SpeakerCodebook? {
        guard let bands = collectors.map(\.frames.bands).min() else { return nil }
        var envelopes: [Float] = []
        for c in collectors {
            let own = c.frames.bands
            for f in 0..<(c.envelopes.count / max(1, own)) { envelopes.append(contentsOf: c.envelopes[(f * own)..<(f * own + bands)]) }
        }
        return SpeakerCodebook.train(envelopes: envelopes, bands: bands)
    }

    /// A reader of `file` as mono 16-bit WAV: the file itself when it is one already (as the store's
    /// extracted audio of a mono source is) and nothing is to be denoised, else its decoding into `wav`.
    static func monoReader(of file: URL, decodingInto wav: URL, denoise: Bool) throws -> PCMWAVSampleReader {
        if !denoise, let direct = try? PCMWAVSampleReader(file), direct.isPlainPCM, direct.channels == 1 { return direct }
        let decoded = try normalise(file, into: wav, denoise: denoise)
        do {
            let reader = try PCMWAVSampleReader(decoded)
            guard reader.channels == 1 else { throw MediaError.unsupportedOutput(path: decoded.path, reason: "\(reader.channels) channels, not mono") }
            return reader
        } catch {
            throw LocalEngineError.unreadableAudio(file: file.path, reason: error.localizedDescription)
        }
    }

    /// Decodes `file` to mono 16-bit WAV at its own rate (denoised when asked), the form the engine reads.
    static func normalise(_ file: URL, into wav: URL, denoise: Bool) throws -> URL {
        let options = AudioExtractionOptions(channels: .mono, encoding: .s16, format: .wav)
        do {
            try AudioProcessor.process(from: file, to: wav, filters: denoise ? [.denoise()] : [], options: options)
        } catch {
            throw LocalEngineError.unreadableAudio(file: file.path, reason: error.localizedDescription)
        }
        return wav
    }
}
