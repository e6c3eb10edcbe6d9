import CFFmpeg
import Foundation

/// Mixes audio files, each at its own gain, into one WAV, FLAC or MP3 file as long as the longest;
/// e.g. a dubbed voice over its accompaniment: libavfilter's `amix`, streaming, the inputs summed
/// at their gains without normalisation.
public enum AudioMixer {
    /// Mixes `inputs` into `output` (type from its extension) at `sampleRate` (default: the first
    /// input's) with as many channels as the widest input; nothing is left under `output`'s name on failure.
    @discardableResult
    public static func mix(
        _ inputs: [AudioMixInput], to output: URL, sampleRate: Int? = nil, encoding: AudioSampleEncoding = .s16
    ) throws -> AudioMixResult {
        try mix(inputs, to: output, sampleRate: sampleRate, encoding: encoding, isCancelled: nil)
    }

    /// The same as the synchronous form, off the cooperative pool; cancelling the task stops the
    /// work with `CancellationError` and leaves no output.
    @discardableResult
    public static func mix(
        _ inputs: [AudioMixInput], to output: URL, sampleRate: Int? = nil, encoding: AudioSampleEncoding = .s16
    ) async throws -> AudioMixResult {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    do {
                        continuation.resume(returning: try mix(
                            inputs, to: output, sampleRate: sampleRate, encoding: encoding,
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

    private static func mix(
        _ inputs: [AudioMixInput], to output: URL, sampleRate: Int?, encoding: AudioSampleEncoding,
        isCancelled: (() -> Bool)?
    ) throws -> AudioMixResult {
        MediaLibrary.prepare()
        guard let format = AudioOutputFormat(fileExtension: output.pathExtension) else {
            throw MediaError.unsupportedOutput(path: output.path, reason: "unknown extension '.\(output.pathExtension)'")
        }
        guard !inputs.isEmpty else {
            throw MediaError.invalidFilter(path: output.path, reason: "there is nothing to mix")
        }
        if let bad = inputs.first(where: { !(-90...30).contains($0.gainDecibels) }) {
            throw MediaError.invalidFilter(
                path: output.path, reason: "gain \(bad.gainDecibels) dB for \(bad.file.lastPathComponent) is outside -90...30")
        }
        if let sampleRate, !(1_000...384_000).contains(sampleRate) {
            throw MediaError.unsupportedOutput(path: output.path, reason: "sample rate \(sampleRate) Hz is out of range")
        }
        let sources = try inputs.map { try AudioSampleSource($0.file) }
        let temporary = TemporaryOutput(for: output)
        do {
            let result = try run(
                sources: sources, gains: inputs.map(\.gainDecibels), format: format, encoding: encoding,
                sampleRate: sampleRate.map { Int32($0) } ?? sources[0].sourceRate,
                temporaryPath: temporary.temporary.path, outputPath: output.path, isCancelled: isCancelled)
            try temporary.commit()
            return result
        } catch {
            temporary.discard()
            throw error
        }
    }

    private static func run(
        sources: [AudioSampleSource], gains: [Double], format: AudioOutputFormat, encoding: AudioSampleEncoding,
        sampleRate: Int32, temporaryPath: String, outputPath: String, isCancelled: (() -> Bool)?
    ) throws -> AudioMixResult {
        var layout = AVChannelLayout()
        cff_default_layout(&layout, min(sources.map(\.sourceChannels).max() ?? 1, 8))
        defer { av_channel_layout_uninit(&layout) }
        for source in sources {
            try source.configure(sampleRate: sampleRate, layout: &layout)
        }
        let container = try OutputContainer(format: format, filePath: temporaryPath, displayPath: outputPath)
        let encoder = try AudioEncoder(
            path: outputPath, format: format, encoding: encoding, sampleRate: sampleRate, layout: &layout,
            mp3BitRate: 192_000, globalHeader: container.wantsGlobalHeader)
        try container.open(with: encoder)
        let chunk = encoder.frameSize
        let graph = try AudioMixGraph(
            path: outputPath, gainsDecibels: gains, sampleRate: sampleRate, layout: &layout,
            outputFormat: encoder.sampleFormat, frameSize: chunk)
        let part = try MediaFrame(path: outputPath, capacity: chunk, format: AV_SAMPLE_FMT_FLTP, layout: &layout, sampleRate: sampleRate)
        let mixed = try MediaFrame(path: outputPath)
        var positions = [Int64](repeating: 0, count: sources.count)
        var ended = [Bool](repeating: false, count: sources.count)
        var written: Int64 = 0
        while true {
            if let isCancelled, isCancelled() {
                throw CancellationError()
            }
            // A chunk from every input still going, so amix's queues stay a chunk deep.
            for (index, source) in sources.enumerated() where !ended[index] {
                part.pointer.pointee.nb_samples = chunk
                let writable = av_frame_make_writable(part.pointer)
                if writable < 0 {
                    throw MediaError.processingFailed(path: outputPath, detail: "cannot reuse a frame: \(FFmpegCode(writable))")
                }
                let count = try source.read(into: part, maximum: chunk)
                if count > 0 {
                    part.pointer.pointee.nb_samples = count
                    part.pointer.pointee.pts = positions[index]
                    positions[index] += Int64(count)
                    try graph.push(part.pointer, input: index)
                }
                if source.isExhausted {
                    try graph.push(nil, input: index)
                    ended[index] = true
                }
            }
            while try graph.pull(into: mixed) {
                defer { av_frame_unref(mixed.pointer) }
                mixed.pointer.pointee.pts = written
                written += Int64(mixed.pointer.pointee.nb_samples)
                try encoder.encode(mixed.pointer, into: container)
            }
            if !ended.contains(false) { break }
        }
        try encoder.encode(nil, into: container)
        try container.finish()
        return AudioMixResult(
            output: outputPath, format: format, sampleRate: Int(sampleRate), channels: Int(layout.nb_channels), samples: written)
    }
}
