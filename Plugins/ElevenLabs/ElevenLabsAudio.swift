import DubKit
import DubKitProviderKit
import DubKitMedia
import Foundation

/// The input of a conversion, staged as it is sent: the file, or raw 16-bit 16 kHz mono PCM for
/// `file_format=pcm_s16le_16`.
enum ElevenLabsAudio {
    /// The sample rate of `pcm_s16le_16` input.
    static let rawPCMRate = 16_000

    /// Stages `input` into `folder`: linked (or copied) as it is, or converted to raw PCM.
    static func stage(_ input: URL, into folder: URL, rawPCM: Bool) async throws(ElevenLabsError) -> StagedInput {
        let info: MediaInfo
        do {
            info = try MediaProbe.probe(input)
        } catch {
            throw .audio(path: input.path, detail: "cannot be read as media (\(error.localizedDescription))")
        }
        guard !info.audioStreams.isEmpty else {
            throw .audio(path: input.path, detail: "has no audio stream; give a file with speech in it")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .jobState(path: folder.path, detail: error.localizedDescription)
        }
        let staged: StagedInput
        if rawPCM {
            let wav = folder.appendingPathComponent("input-16k.wav")
            let raw = folder.appendingPathComponent("input.pcm")
            defer { try? FileManager.default.removeItem(at: wav) }
            do {
                try await AudioExtractor.extractAudio(
                    from: input, to: wav,
                    options: AudioExtractionOptions(sampleRate: rawPCMRate, channels: .mono, encoding: .s16, format: .wav),
                    progress: nil)
                let layout = try RawAudioWAV.unwrap(wav, to: raw)
                guard layout.formatTag == 1, layout.bitsPerSample == 16, layout.channels == 1, layout.sampleRate == rawPCMRate else {
                    throw MediaError.processingFailed(path: wav.path, detail: "extraction wrote \(layout) instead of 16-bit 16 kHz mono PCM")
                }
                staged = StagedInput(name: raw.lastPathComponent, contentType: "application/octet-stream",
                                     durationMs: layout.dataBytes * 1000 / Int64(2 * rawPCMRate))
            } catch {
                throw .audio(path: input.path, detail: "could not be converted to raw 16-bit 16 kHz mono PCM (\(error.localizedDescription))")
            }
        } else {
            let names = info.formatName.split(separator: ",").map { String($0).lowercased() }
            let known = ["wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac", "ogg": "audio/ogg", "webm": "audio/webm",
                         "mov": "audio/mp4", "mp4": "audio/mp4", "m4a": "audio/mp4"]
            let ext = names.first { known[$0] != nil } ?? (input.pathExtension.isEmpty ? "bin" : input.pathExtension.lowercased())
            let file = folder.appendingPathComponent("input.\(ext)")
            do {
                try StagedInput.place(input, at: file)
            } catch {
                throw .jobState(path: file.path, detail: error.localizedDescription)
            }
            guard let seconds = info.durationSeconds, seconds > 0 else {
                throw .audio(path: input.path, detail: "has no measurable duration")
            }
            staged = StagedInput(name: file.lastPathComponent, contentType: known[ext] ?? "application/octet-stream",
                                 durationMs: Int64((seconds * 1000).rounded()))
        }
        let limit = ElevenLabsDescriptor.maxDurationSeconds
        if Double(staged.durationMs) / 1000 > limit {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(staged.name))
            throw .audio(path: input.path, detail: String(format: "lasts %.1f s; ElevenLabs converts about %d s a request: cut the input into shorter parts",
                                                          Double(staged.durationMs) / 1000, Int(limit)))
        }
        return staged
    }
}
