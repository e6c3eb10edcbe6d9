import CFFmpeg
import Foundation

/// Mixes audio files, each at its own gain, into one WAV, FLAC or MP3 file as long as the longest;
/// e.g. a dubbed voice over its accompaniment. Samples are summed in floating point, streaming.
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
                sources: sources, gains: inputs.map(\.amplitude), format: format, encoding: encoding,
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
        sources: [AudioSampleSource], gains: [Float], format: AudioOutputFormat, encoding: AudioSampleEncoding,
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
        let mixed = try MediaFrame(path: outputPath, capacity: chunk, format: AV_SAMPLE_FMT_FLTP, layout: &layout, sampleRate: sampleRate)
        let part = try MediaFrame(path: outputPath, capacity: chunk, format: AV_SAMPLE_FMT_FLTP, layout: &layout, sampleRate: sampleRate)
        let encodeFrame = try MediaFrame(
            path: outputPath, capacity: chunk, format: encoder.sampleFormat, layout: &layout, sampleRate: sampleRate)
        // Same rate and layout, so the resampler only converts the sample format, one for one.
        let converter = try AudioResampler(
            path: outputPath, input: &layout, inputFormat: AV_SAMPLE_FMT_FLTP, inputRate: sampleRate,
            output: &layout, outputFormat: encoder.sampleFormat, outputRate: sampleRate)
        let channels = Int(layout.nb_channels)
        var written: Int64 = 0
        while true {
            if let isCancelled, isCancelled() {
                throw CancellationError()
            }
            let writable = av_frame_make_writable(mixed.pointer)
            if writable < 0 {
                throw MediaError.processingFailed(path: outputPath, detail: "cannot reuse a frame: \(FFmpegCode(writable))")
            }
            av_samples_set_silence(mixed.pointer.pointee.extended_data, 0, chunk, layout.nb_channels, AV_SAMPLE_FMT_FLTP)
            var longest: Int32 = 0
            for (source, gain) in zip(sources, gains) where !source.isExhausted {
                let count = try source.read(into: part, maximum: chunk)
                longest = max(longest, count)
                for channel in 0..<channels {
                    guard let into = mixed.pointer.pointee.extended_data[channel],
                          let from = part.pointer.pointee.extended_data[channel] else { continue }
                    let sum = UnsafeMutableRawPointer(into).assumingMemoryBound(to: Float.self)
                    let add = UnsafeRawPointer(from).assumingMemoryBound(to: Float.self)
                    for index in 0..<Int(count) {
                        sum[index] += add[index] * gain
                    }
                }
            }
            guard longest > 0 else { break }
            mixed.pointer.pointee.nb_samples = longest
            // The encoder may still hold a reference to the last frame's buffer.
            encodeFrame.pointer.pointee.nb_samples = chunk
            let reusable = av_frame_make_writable(encodeFrame.pointer)
            if reusable < 0 {
                throw MediaError.processingFailed(path: outputPath, detail: "cannot reuse a frame: \(FFmpegCode(reusable))")
            }
            let count = try converter.convert(mixed.pointer, into: encodeFrame)
            encodeFrame.pointer.pointee.nb_samples = count
            encodeFrame.pointer.pointee.pts = written
            written += Int64(count)
            try encoder.encode(encodeFrame.pointer, into: container)
        }
        try encoder.encode(nil, into: container)
        try container.finish()
        return AudioMixResult(
            output: outputPath, format: format, sampleRate: Int(sampleRate), channels: channels, samples: written)
    }
}
