import CFFmpeg

/// One remux run: sets up the output's streams, then copies the input's packets while the dubbed
/// tracks are encoded alongside, never ahead of the video, so the muxer's queue stays short.
struct RemuxSession {
    let source: MediaInput
    let muxer: VideoOutputContainer
    let dubs: [any DubTrackWriter]
    let container: VideoContainerFormat
    /// The stretch of the video written (a preview), or nil for all of it.
    let window: MediaWindow?

    /// Input stream index → output stream, for the streams copied.
    private var copies: [Int32: UnsafeMutablePointer<AVStream>] = [:]
    private var videoIndexes: Set<Int32> = []
    /// Input stream index → converter and output stream, for subtitles converted to the output's text format.
    private var conversions: [Int32: (SubtitleTranscoder, MuxerStream)] = [:]

    init(source: MediaInput, muxer: VideoOutputContainer, dubs: [any DubTrackWriter], container: VideoContainerFormat,
         window: MediaWindow? = nil) {
        self.window = window
        self.source = source
        self.muxer = muxer
        self.dubs = dubs
        self.container = container
    }

    mutating func run(
        videoStreams: [UnsafeMutablePointer<AVStream>], keepOriginalAudio: Bool, output: String,
        expectedSeconds: Double?, progress: ((Double) -> Void)?, isCancelled: (() -> Bool)?
    ) throws -> RemuxResult {
        var lastReported = -1.0
        func report(_ fraction: Double) {
            guard let progress, fraction >= 1 || fraction - lastReported >= 0.01 else { return }
            lastReported = fraction
            progress(fraction)
        }
        let streams = (0..<Int(source.context.pointee.nb_streams)).compactMap { source.stream($0) }
        for stream in videoStreams {
            copies[stream.pointee.index] = try muxer.addCopy(of: stream)
            videoIndexes.insert(stream.pointee.index)
        }
        var dubStreams: [UnsafeMutablePointer<AVStream>] = []
        for (number, dub) in dubs.enumerated() {
            let stream = try dub.addStream(to: muxer)
            stream.pointee.disposition = number == 0 ? cff_disposition_default() : 0
            av_dict_set(&stream.pointee.metadata, "language", dub.track.language.lowercased(), 0)
            if let title = dub.track.title, !title.isEmpty {
                av_dict_set(&stream.pointee.metadata, "title", title, 0)
                av_dict_set(&stream.pointee.metadata, "handler_name", title, 0)
            }
            dubStreams.append(stream)
        }
        var originalAudio = 0
        if keepOriginalAudio {
            for stream in streams where stream.pointee.codecpar?.pointee.codec_type == AVMEDIA_TYPE_AUDIO {
                guard let codec = stream.pointee.codecpar?.pointee.codec_id, muxer.accepts(codec) else {
                    let name = swiftString(avcodec_get_name(stream.pointee.codecpar?.pointee.codec_id ?? AV_CODEC_ID_NONE)) ?? "?"
                    throw MediaError.streamNotAllowed(path: output, codec: name, container: container.rawValue)
                }
                let copy = try muxer.addCopy(of: stream)
                if !dubs.isEmpty {
                    copy.pointee.disposition &= ~cff_disposition_default()
                }
                copies[stream.pointee.index] = copy
                originalAudio += 1
            }
        }
        var subtitles = 0
        var droppedSubtitles = 0
        for stream in streams where window == nil && stream.pointee.codecpar?.pointee.codec_type == AVMEDIA_TYPE_SUBTITLE {
            guard let codec = stream.pointee.codecpar?.pointee.codec_id else { continue }
            if muxer.accepts(codec) {
                copies[stream.pointee.index] = try muxer.addCopy(of: stream)
                subtitles += 1
            } else if let converter = try SubtitleTranscoder(
                stream: stream, encoderName: container.textSubtitleEncoder, path: source.path),
                muxer.accepts(converter.encoder.pointee.codec_id) {
                let converted = try muxer.addEncoded(context: converter.encoder)
                converted.pointee.disposition = stream.pointee.disposition
                av_dict_copy(&converted.pointee.metadata, stream.pointee.metadata, 0)
                conversions[stream.pointee.index] = (converter, MuxerStream(container: muxer, stream: converted))
                subtitles += 1
            } else {
                droppedSubtitles += 1
            }
        }
        let chapters = window == nil ? try muxer.copyMetadataAndChapters(from: source.context) : 0
        try muxer.open()

        let videoStart = videoStreams.compactMap { stream -> Double? in
            let start = stream.pointee.start_time
            return start == cff_nopts_value() ? nil : seconds(start, stream.pointee.time_base)
        }.min() ?? 0
        for dub in dubs { dub.start(at: videoStart) }
        let sinks = zip(dubs, dubStreams).map { ($0, MuxerStream(container: muxer, stream: $1)) }

        var videoEnd = videoStart
        var videoPackets = 0
        let packet = try MediaPacket(path: source.path)
        var completeness = InputCompleteness(source)
        var read: Int32 = 0
        let cut = window.map { VideoCut($0, streams: videoStreams, source: source) }
        while true {
            read = av_read_frame(source.context, packet.pointer)
            if read < 0 { break }
            defer { av_packet_unref(packet.pointer) }
            if let cut {
                switch cut.place(packet.pointer) {
                case .inside: break
                case .outside: continue
                case .past: read = FFmpegCode.endOfFile
                }
                if read == FFmpegCode.endOfFile { break }
            }
            if let isCancelled, isCancelled() {
                throw CancellationError()
            }
            completeness.record(packet.pointer)
            let index = packet.pointer.pointee.stream_index
            if let (converter, sink) = conversions[index], let stream = source.stream(Int(index)) {
                try converter.convert(packet.pointer, timeBase: stream.pointee.time_base, into: sink)
                continue
            }
            guard let target = copies[index], let stream = source.stream(Int(index)) else { continue }
            let timeBase = stream.pointee.time_base
            if videoIndexes.contains(index) {
                videoPackets += 1
                let pts = packet.pointer.pointee.pts
                let dts = packet.pointer.pointee.dts
                if pts != cff_nopts_value() {
                    var duration = packet.pointer.pointee.duration
                    if duration <= 0 {
                        duration = frameDuration(stream)
                    }
                    videoEnd = max(videoEnd, seconds(pts + duration, timeBase))
                }
                let now = dts != cff_nopts_value() ? dts : pts
                if now != cff_nopts_value() {
                    // Encode dub audio up to where the video is, so both advance together.
                    let position = seconds(now, timeBase) - videoStart
                    if let expectedSeconds, expectedSeconds > 0 {
                        report(min(max(position / expectedSeconds, 0), 0.999))
                    }
                    for (dub, sink) in sinks {
                        try dub.advance(to: position, final: false, into: sink)
                    }
                }
            }
            try muxer.write(packet.pointer, timeBase: timeBase, to: target)
        }
        if window == nil { try completeness.verify(readResult: read) }
        let length = videoEnd - videoStart
        for (dub, sink) in sinks {
            try dub.advance(to: length, final: true, into: sink)
        }
        try muxer.finish()
        report(1)
        return RemuxResult(
            output: output, container: container, videoDurationSeconds: length, videoPackets: videoPackets,
            dubbedTracks: dubs.count, copiedDubbedTracks: dubs.filter(\.isCopy).count, originalAudioTracks: originalAudio, subtitleStreams: subtitles,
            droppedSubtitleStreams: droppedSubtitles, chapters: chapters)
    }

    private func seconds(_ value: Int64, _ base: AVRational) -> Double {
        base.den == 0 ? 0 : Double(value) * Double(base.num) / Double(base.den)
    }

    /// One frame's duration in the stream's time base, from its frame rate (for packets that carry none).
    private func frameDuration(_ stream: UnsafeMutablePointer<AVStream>) -> Int64 {
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        let base = stream.pointee.time_base
        guard rate.num > 0, rate.den > 0, base.num > 0 else { return 0 }
        return av_rescale_q(1, AVRational(num: rate.den, den: rate.num), base)
    }
}

/// Which packets a windowed remux copies, and their timestamps moved so the window starts where the
/// video did: video packets from the window's start (the keyframe there, found by seeking back to it)
/// up to its end; nothing of any other stream.
private struct VideoCut {
    enum Place { case inside, outside, past }

    /// Per copied video stream: the window's start and end in its time base, and the shift.
    private let bounds: [Int32: (start: Int64, end: Int64?, shift: Int64)]

    init(_ window: MediaWindow, streams: [UnsafeMutablePointer<AVStream>], source: MediaInput) {
        var bounds: [Int32: (Int64, Int64?, Int64)] = [:]
        for stream in streams {
            let base = stream.pointee.time_base
            guard base.num > 0, base.den > 0 else { continue }
            let origin = stream.pointee.start_time == cff_nopts_value() ? 0 : stream.pointee.start_time
            func ticks(_ seconds: Double) -> Int64 { Int64((seconds * Double(base.den) / Double(base.num)).rounded()) }
            let start = origin + ticks(window.start)
            bounds[stream.pointee.index] = (start, window.end.map { origin + ticks($0) }, start - origin)
        }
        self.bounds = bounds
        if let first = streams.first, let (start, _, _) = bounds[first.pointee.index], window.start > 0 {
            // Back to the keyframe at (or just before) the start; the packets before it are skipped below.
            _ = av_seek_frame(source.context, first.pointee.index, start, AVSEEK_FLAG_BACKWARD)
        }
    }

    /// Where `packet` falls; a packet inside has its timestamps moved.
    func place(_ packet: UnsafeMutablePointer<AVPacket>) -> Place {
        guard let (start, end, shift) = bounds[packet.pointee.stream_index] else { return .outside }
        let pts = packet.pointee.pts != cff_nopts_value() ? packet.pointee.pts : packet.pointee.dts
        guard pts != cff_nopts_value() else { return .outside }
        let dts = packet.pointee.dts != cff_nopts_value() ? packet.pointee.dts : pts
        if let end, dts >= end { return .past }
        // Tolerance of one tick for the rounding of the keyframe's time.
        if pts < start - 1 { return .outside }
        if let end, pts >= end { return .outside }
        if packet.pointee.pts != cff_nopts_value() { packet.pointee.pts -= shift }
        if packet.pointee.dts != cff_nopts_value() { packet.pointee.dts -= shift }
        return .inside
    }
}
