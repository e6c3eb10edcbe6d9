import DubKitMedia
import Foundation

/// Audio stored from a media file: its reference and what the extraction measured.
public struct StoredAudio: Sendable, Hashable {
    public var ref: MediaRef
    public var durationSeconds: Double
    public var sampleRate: Int
    public var channels: Int
}

extension MediaStore {
    /// Extracts the audio of a local audio or video file to 16-bit WAV (at `sampleRate`, or the
    /// source's; surround downmixed to stereo) and stores it by hash. The same audio is stored once.
    public func importAudio(from source: URL, sampleRate: Int? = nil,
                            progress: (@Sendable (Double) -> Void)? = nil) async throws -> StoredAudio {
        let info = try MediaProbe.probe(source)
        // A 16-bit WAV already at the rate asked for, mono or stereo, is what extraction would write:
        // it is stored as it is.
        if info.formatName == "wav", info.streams.count == 1, let stream = info.audioStreams.first,
           stream.codecName == "pcm_s16le", let rate = stream.sampleRate, sampleRate == nil || sampleRate == rate,
           let channels = stream.channels, (1...2).contains(channels), let seconds = info.durationSeconds {
            return StoredAudio(ref: try put(contentsOf: source), durationSeconds: seconds, sampleRate: rate, channels: channels)
        }
        let channels: AudioChannelMode = (info.audioStreams.first?.channels ?? 2) > 2 ? .stereo : .keep
        do {
            try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        } catch {
            throw DubKitError.mediaIO(path: incoming.path, reason: error.localizedDescription)
        }
        let temp = temporaryFile("extract", suffix: ".wav")
        defer { try? FileManager.default.removeItem(at: temp) }
        let extraction = try await AudioExtractor.extractAudio(
            from: source, to: temp,
            options: AudioExtractionOptions(sampleRate: sampleRate, channels: channels, encoding: .s16, format: .wav),
            progress: progress)
        let ref = try put(contentsOf: temp)
        return StoredAudio(ref: ref, durationSeconds: extraction.durationSeconds,
                           sampleRate: extraction.sampleRate, channels: extraction.channels)
    }
}
