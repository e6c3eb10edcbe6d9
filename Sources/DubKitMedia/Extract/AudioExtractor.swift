import CFFmpeg
import Foundation

/// Extracts one audio stream of a media file into a WAV, FLAC or MP3 file, resampled as asked.
public enum AudioExtractor {
    /// Decodes the chosen audio stream of `input` and writes it to `output`; nothing is left under
    /// `output`'s name unless the whole file was written. `progress` receives 0...1 as decoding advances.
    @discardableResult
    public static func extractAudio(
        from input: URL, to output: URL, options: AudioExtractionOptions = AudioExtractionOptions(),
        progress: ((Double) -> Void)? = nil
    ) throws -> AudioExtraction {
        try run(from: input, to: output, options: options, progress: progress, isCancelled: nil)
    }

    /// The same as the synchronous form, on a thread of its own so the cooperative pool is not
    /// blocked; cancelling the task stops the work with `CancellationError` and leaves no output.
    @discardableResult
    public static func extractAudio(
        from input: URL, to output: URL, options: AudioExtractionOptions = AudioExtractionOptions(),
        progress: (@Sendable (Double) -> Void)? = nil
    ) async throws -> AudioExtraction {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    do {
                        continuation.resume(returning: try run(
                            from: input, to: output, options: options, progress: progress,
                            isCancelled: { flag.isRaised }))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        } onCancel: {
            flag.raise()
        }
    }

    private static func run(
        from input: URL, to output: URL, options: AudioExtractionOptions, progress: ((Double) -> Void)?,
        isCancelled: (() -> Bool)?
    ) throws -> AudioExtraction {
        guard let format = options.format ?? AudioOutputFormat(fileExtension: output.pathExtension) else {
            throw MediaError.unsupportedOutput(
                path: output.path, reason: "unknown extension '.\(output.pathExtension)'")
        }
        if let rate = options.sampleRate, !(1_000...384_000).contains(rate) {
            throw MediaError.unsupportedOutput(path: output.path, reason: "sample rate \(rate) Hz is out of range")
        }
        if let problem = options.filters.lazy.compactMap(\.problem).first {
            throw MediaError.invalidFilter(path: output.path, reason: problem)
        }
        let source = try MediaInput(input)
        let stream = try selectStream(options.stream, in: source)
        let temporary = TemporaryOutput(for: output)
        do {
            let pipeline = try AudioExtractionPipeline(
                input: source, stream: stream, options: options, format: format,
                temporaryPath: temporary.temporary.path, outputPath: output.path, progress: progress,
                isCancelled: isCancelled)
            let result = try pipeline.run()
            try temporary.commit()
            return result
        } catch {
            temporary.discard()
            throw error
        }
    }

    /// The stream `selection` names, which must be an audio stream of `input`.
    static func selectStream(_ selection: AudioStreamSelection, in input: MediaInput) throws -> UnsafeMutablePointer<AVStream> {
        let audio = (0..<Int(input.context.pointee.nb_streams)).compactMap { input.stream($0) }.filter {
            $0.pointee.codecpar?.pointee.codec_type == AVMEDIA_TYPE_AUDIO
        }
        guard let first = audio.first else {
            if input.context.pointee.nb_streams == 0 {
                throw MediaError.corrupt(path: input.path, detail: "it lists no streams at all")
            }
            throw MediaError.noAudioStream(path: input.path)
        }
        let found: UnsafeMutablePointer<AVStream>?
        switch selection {
        case .first:
            found = first
        case .index(let index):
            found = audio.first { Int($0.pointee.index) == index }
        case .language(let language):
            found = audio.first {
                swiftString(av_dict_get($0.pointee.metadata, "language", nil, 0)?.pointee.value)?
                    .caseInsensitiveCompare(language) == .orderedSame
            }
        }
        guard let found else {
            throw MediaError.audioStreamNotFound(path: input.path, request: selection.description)
        }
        return found
    }
}
