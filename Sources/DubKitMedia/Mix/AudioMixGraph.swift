import CFFmpeg

/// A libavfilter graph that mixes several inputs of one rate and layout: each `abuffer` →
/// `volume` (its gain) → `amix` (as long as the longest, not normalised, so every input keeps
/// exactly its gain) → `aformat` (the encoder's sample format) → `abuffersink`, which hands out
/// frames of the encoder's frame size.
final class AudioMixGraph {
    private let graph: UnsafeMutablePointer<AVFilterGraph>
    private var sources: [UnsafeMutablePointer<AVFilterContext>] = []
    private var sink: UnsafeMutablePointer<AVFilterContext>?
    private let path: String

    init(
        path: String, gainsDecibels: [Double], sampleRate: Int32, layout: UnsafePointer<AVChannelLayout>,
        outputFormat: AVSampleFormat, frameSize: Int32
    ) throws {
        guard let graph = avfilter_graph_alloc() else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a filter graph")
        }
        self.graph = graph
        self.path = path
        let channels = channelLayoutName(layout)
        let format = swiftString(av_get_sample_fmt_name(outputFormat)) ?? "s16"
        let mix = try add("amix", "mix", "inputs=\(gainsDecibels.count):duration=longest:dropout_transition=0:normalize=0")
        for (index, gain) in gainsDecibels.enumerated() {
            let source = try add(
                "abuffer", "in\(index)",
                "time_base=1/\(sampleRate):sample_rate=\(sampleRate):sample_fmt=fltp:channel_layout=\(channels)")
            let volume = try add("volume", "gain\(index)", "volume=\(gain)dB:precision=float")
            try link(source, volume, 0)
            try link(volume, mix, UInt32(index))
            sources.append(source)
        }
        let convert = try add("aformat", "format", "sample_fmts=\(format):sample_rates=\(sampleRate):channel_layouts=\(channels)")
        let sink = try add("abuffersink", "out", nil)
        try link(mix, convert, 0)
        try link(convert, sink, 0)
        self.sink = sink
        let configured = avfilter_graph_config(graph, nil)
        if configured < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot set up the mix: \(FFmpegCode(configured))")
        }
        av_buffersink_set_frame_size(sink, UInt32(max(frameSize, 1)))
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFilterGraph>? = graph
        avfilter_graph_free(&owned)
    }

    /// Feeds one frame of planar float samples to input `index` (nil: that input has ended).
    func push(_ frame: UnsafeMutablePointer<AVFrame>?, input index: Int) throws {
        let added = av_buffersrc_add_frame_flags(sources[index], frame, cff_buffersrc_keep_ref())
        if added < 0 {
            throw MediaError.processingFailed(path: path, detail: "the mix refused a frame: \(FFmpegCode(added))")
        }
    }

    /// Takes the next mixed frame into `frame`; false when the mix needs more input or is finished.
    func pull(into frame: MediaFrame) throws -> Bool {
        try pullFrame(from: sink, into: frame, path: path, failure: "mixing failed")
    }

    private func add(_ filter: String, _ name: String, _ arguments: String?) throws -> UnsafeMutablePointer<AVFilterContext> {
        var context: UnsafeMutablePointer<AVFilterContext>?
        let created = avfilter_graph_create_filter(&context, avfilter_get_by_name(filter), name, arguments, nil, graph)
        guard created >= 0, let context else {
            throw MediaError.processingFailed(path: path, detail: "cannot create the \(filter) filter: \(FFmpegCode(created))")
        }
        return context
    }

    private func link(_ from: UnsafeMutablePointer<AVFilterContext>, _ to: UnsafeMutablePointer<AVFilterContext>, _ pad: UInt32) throws {
        let linked = avfilter_link(from, 0, to, pad)
        if linked < 0 {
            throw MediaError.processingFailed(path: path, detail: "cannot link the mix's filters: \(FFmpegCode(linked))")
        }
    }
}
