import CFFmpeg

/// Owns an AVAudioFifo that regroups converted samples into the encoder's fixed frame size.
final class AudioSampleFIFO {
    private let fifo: OpaquePointer
    private let path: String

    init(path: String, format: AVSampleFormat, channels: Int32, capacity: Int32) throws {
        guard let fifo = av_audio_fifo_alloc(format, channels, capacity) else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating the sample queue")
        }
        self.fifo = fifo
        self.path = path
    }

    deinit {
        av_audio_fifo_free(fifo)
    }

    /// Samples per channel waiting.
    var count: Int32 {
        av_audio_fifo_size(fifo)
    }

    /// Appends the first `samples` samples of `frame`.
    func write(_ frame: MediaFrame, samples: Int32) throws {
        guard samples > 0 else { return }
        let written = av_audio_fifo_write(fifo, frame.planes, samples)
        if written < samples {
            throw MediaError.processingFailed(path: path, detail: "cannot queue samples: \(FFmpegCode(written))")
        }
    }

    /// Drops the first `samples` samples waiting.
    func drain(_ samples: Int32) {
        guard samples > 0 else { return }
        _ = av_audio_fifo_drain(fifo, min(samples, count))
    }

    /// Moves up to `frame.capacity` samples into `frame` and sets its sample count.
    func read(into frame: MediaFrame) throws -> Int32 {
        try read(into: frame, maximum: frame.capacity)
    }

    /// Moves up to `maximum` (at most `frame.capacity`) samples into `frame` and sets its sample count.
    func read(into frame: MediaFrame, maximum: Int32) throws -> Int32 {
        let writable = av_frame_make_writable(frame.pointer)
        if writable < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot reuse a frame: \(FFmpegCode(writable))")
        }
        let read = av_audio_fifo_read(fifo, frame.planes, min(frame.capacity, maximum, count))
        if read < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot dequeue samples: \(FFmpegCode(read))")
        }
        frame.pointer.pointee.nb_samples = read
        return read
    }
}
