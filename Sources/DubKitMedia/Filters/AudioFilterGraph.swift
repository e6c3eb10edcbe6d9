import CFFmpeg

/// Owns a libavfilter graph: decoded frames in, filtered frames out in the output's rate, layout and format.
final class AudioFilterGraph {
    private let graph: UnsafeMutablePointer<AVFilterGraph>
    private var source: UnsafeMutablePointer<AVFilterContext>?
    private var sink: UnsafeMutablePointer<AVFilterContext>?
    private let path: String

    init(
        path: String, filters: [AudioFilter], input frame: UnsafeMutablePointer<AVFrame>,
        inputLayout: UnsafePointer<AVChannelLayout>, output: UnsafePointer<AVChannelLayout>,
        outputFormat: AVSampleFormat, outputRate: Int32
    ) throws {
        guard let graph = avfilter_graph_alloc() else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a filter graph")
        }
        self.graph = graph
        self.path = path
        for filter in filters {
            if case .equalizer(let curve) = filter, let problem = curve.problem(sampleRate: Int(frame.pointee.sample_rate)) {
                throw MediaError.invalidFilter(path: path, reason: problem)
            }
        }
        let inputFormat = swiftString(av_get_sample_fmt_name(AVSampleFormat(rawValue: frame.pointee.format))) ?? "s16"
        let outputFormatName = swiftString(av_get_sample_fmt_name(outputFormat)) ?? "s16"
        let rate = frame.pointee.sample_rate
        let sourceArguments = "time_base=1/\(rate):sample_rate=\(rate):sample_fmt=\(inputFormat)"
            + ":channel_layout=\(channelLayoutName(inputLayout))"
        var created = avfilter_graph_create_filter(&source, avfilter_get_by_name("abuffer"), "in", sourceArguments, nil, graph)
        if created >= 0 {
            created = avfilter_graph_create_filter(&sink, avfilter_get_by_name("abuffersink"), "out", nil, nil, graph)
        }
        guard created >= 0, let source, let sink else {
            throw MediaError.processingFailed(path: path, detail: "cannot create the filter ends: \(FFmpegCode(created))")
        }
        let chain = filters.map(\.graphDescription)
            + ["aresample=\(outputRate)",
               "aformat=sample_fmts=\(outputFormatName):sample_rates=\(outputRate):channel_layouts=\(channelLayoutName(output))"]
        var outputs = avfilter_inout_alloc()
        var inputs = avfilter_inout_alloc()
        // After parsing these point at whatever the parser did not link (usually nothing): free that.
        defer {
            avfilter_inout_free(&outputs)
            avfilter_inout_free(&inputs)
        }
        guard let sourceEnd = outputs, let sinkEnd = inputs else {
            throw MediaError.processingFailed(path: path, detail: "out of memory describing the filter graph")
        }
        sourceEnd.pointee.name = av_strdup("in")
        sourceEnd.pointee.filter_ctx = source
        sinkEnd.pointee.name = av_strdup("out")
        sinkEnd.pointee.filter_ctx = sink
        let parsed = avfilter_graph_parse_ptr(graph, chain.joined(separator: ","), &inputs, &outputs, nil)
        if parsed < 0 {
            throw MediaError.unsupportedOutput(path: path, reason: "bad filter chain '\(chain.joined(separator: ","))': \(FFmpegCode(parsed))")
        }
        let configured = avfilter_graph_config(graph, nil)
        if configured < 0 {
            throw MediaError.unsupportedOutput(path: path, reason: "cannot set up filters: \(FFmpegCode(configured))")
        }
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFilterGraph>? = graph
        avfilter_graph_free(&owned)
    }

    /// Feeds one decoded frame (nil: end of input).
    func push(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        let added = av_buffersrc_add_frame_flags(source, frame, cff_buffersrc_keep_ref())
        if added < 0 {
            throw MediaError.processingFailed(path: path, detail: "the filter graph refused a frame: \(FFmpegCode(added))")
        }
    }

    /// Takes the next filtered frame into `frame`; false when the graph needs more input or is finished.
    func pull(into frame: MediaFrame) throws -> Bool {
        try pullFrame(from: sink, into: frame, path: path, failure: "filtering failed")
    }
}
