import CFFmpeg

/// Owns a libswresample context converting decoded frames to the output's rate, layout and sample format.
final class AudioResampler {
    private let context: OpaquePointer
    private let path: String
    /// Set when the context came from, and goes back to, ``ResamplerPool``.
    private let poolKey: String?

    /// A resampler for this conversion; `reusable` takes an initialised context from
    /// ``ResamplerPool/shared`` when one is kept, and gives it back at the end.
    init(
        path: String, input: UnsafePointer<AVChannelLayout>, inputFormat: AVSampleFormat, inputRate: Int32,
        output: UnsafePointer<AVChannelLayout>, outputFormat: AVSampleFormat, outputRate: Int32, reusable: Bool = false
    ) throws {
        self.path = path
        let key = reusable ? ResamplerPool.key(input: input, inputFormat: inputFormat, inputRate: inputRate,
                                               output: output, outputFormat: outputFormat, outputRate: outputRate) : nil
        poolKey = key
        if let key, let kept = ResamplerPool.shared.take(key) {
            context = kept
            return
        }
        // FFmpeg 5.1 declares the layouts non-const; pass copies so the callers' stay untouched.
        var inputLayout = input.pointee
        var outputLayout = output.pointee
        var allocated: OpaquePointer?
        let status = swr_alloc_set_opts2(
            &allocated, &outputLayout, outputFormat, outputRate, &inputLayout, inputFormat, inputRate, 0, nil)
        guard status >= 0, let allocated else {
            throw MediaError.processingFailed(path: path, detail: "cannot set up the resampler: \(FFmpegCode(status))")
        }
        context = allocated
        let initialised = swr_init(allocated)
        if initialised < 0 {
            throw MediaError.unsupportedOutput(
                path: path, reason: "cannot convert \(inputRate) Hz to \(outputRate) Hz: \(FFmpegCode(initialised))")
        }
    }

    deinit {
        if let poolKey {
            ResamplerPool.shared.give(context, poolKey)
        } else {
            var owned: OpaquePointer? = context
            swr_free(&owned)
        }
    }

    /// Upper bound of output samples for `inputSamples` more input (including what is buffered).
    func outputCapacity(forInput inputSamples: Int32) -> Int32 {
        max(swr_get_out_samples(context, inputSamples), 0)
    }

    /// Converts `frame` (nil flushes) into `output`; returns the samples per channel written.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>?, into output: MediaFrame) throws -> Int32 {
        let outPlanes = UnsafeMutableRawPointer(output.pointer.pointee.extended_data)?
            .assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
        var inPlanes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
        var inSamples: Int32 = 0
        if let frame {
            inPlanes = UnsafeMutableRawPointer(frame.pointee.extended_data)?
                .assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
            inSamples = frame.pointee.nb_samples
        }
        let converted = swr_convert(context, outPlanes, output.capacity, inPlanes, inSamples)
        if converted < 0 {
            throw MediaError.corrupt(path: path, detail: "cannot resample the audio: \(FFmpegCode(converted))")
        }
        return converted
    }
}
