import CFFmpeg

/// Owns one AVFrame, either filled by a decoder or with its own sample buffer of fixed capacity.
final class MediaFrame {
    let pointer: UnsafeMutablePointer<AVFrame>
    /// Samples per channel the frame's own buffer holds (0 for a frame a decoder fills).
    let capacity: Int32

    /// An empty frame for a decoder to fill.
    init(path: String) throws {
        guard let frame = av_frame_alloc() else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a frame")
        }
        pointer = frame
        capacity = 0
    }

    /// A frame with a buffer for `capacity` samples per channel in `format` and `layout`.
    init(path: String, capacity: Int32, format: AVSampleFormat, layout: UnsafePointer<AVChannelLayout>, sampleRate: Int32) throws {
        guard let frame = av_frame_alloc() else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a frame")
        }
        pointer = frame
        self.capacity = capacity
        frame.pointee.nb_samples = capacity
        frame.pointee.format = format.rawValue
        frame.pointee.sample_rate = sampleRate
        let copied = av_channel_layout_copy(&frame.pointee.ch_layout, layout)
        let allocated = copied < 0 ? copied : av_frame_get_buffer(frame, 0)
        if allocated < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot allocate audio buffer: \(FFmpegCode(allocated))")
        }
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&owned)
    }

    /// The frame's plane pointers as FFmpeg's `void **`.
    var planes: UnsafeMutablePointer<UnsafeMutableRawPointer?>? {
        UnsafeMutableRawPointer(pointer.pointee.extended_data)?.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    }
}
