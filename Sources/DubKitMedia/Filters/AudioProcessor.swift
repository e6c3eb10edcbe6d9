import Foundation

/// Applies effects (pitch, tempo, gain, denoise, loudness) to a file's audio, streaming, and writes the result.
public enum AudioProcessor {
    /// Decodes `input`'s chosen audio stream, runs it through `filters` in order and writes `output`
    /// as ``AudioExtractor`` does (temporary file, renamed into place only on success).
    @discardableResult
    public static func process(
        from input: URL, to output: URL, filters: [AudioFilter],
        options: AudioExtractionOptions = AudioExtractionOptions(), progress: ((Double) -> Void)? = nil
    ) throws -> AudioExtraction {
        var options = options
        options.filters = filters
        return try AudioExtractor.extractAudio(from: input, to: output, options: options, progress: progress)
    }

    /// The same as the synchronous form, off the cooperative pool and cancellable (see ``AudioExtractor``).
    @discardableResult
    public static func process(
        from input: URL, to output: URL, filters: [AudioFilter],
        options: AudioExtractionOptions = AudioExtractionOptions(), progress: (@Sendable (Double) -> Void)? = nil
    ) async throws -> AudioExtraction {
        var options = options
        options.filters = filters
        return try await AudioExtractor.extractAudio(from: input, to: output, options: options, progress: progress)
    }
}
