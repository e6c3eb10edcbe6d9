import CFFmpeg
import Foundation

/// One extraction run: read packets → decode → resample → regroup (FIFO) → encode → mux.
/// Every buffer has a fixed size, so memory does not grow with the input's length.
final class AudioExtractionPipeline {
    private let input: MediaInput
    private let streamIndex: Int32
    private let decoder: AudioDecoder
    private let options: AudioExtractionOptions
    private let format: AudioOutputFormat
    private let temporaryPath: String
    private let outputPath: String
    private let progress: ((Double) -> Void)?
    private let isCancelled: (() -> Bool)?
    private let duration: Double?
    private let startTime: Int64
    private let timeBase: AVRational

    private var container: OutputContainer?
    private var encoder: AudioEncoder?
    private var resampler: AudioResampler?
    private var filterGraph: AudioFilterGraph?
    private var filtered: MediaFrame?
    private var converted: MediaFrame?
    private var fifo: AudioSampleFIFO?
    private var encodeFrame: MediaFrame?
    private var outputLayout = AVChannelLayout()
    private var outputRate: Int32 = 0
    private var inputSignature: (format: Int32, rate: Int32, channels: Int32)?

    private var samplesWritten: Int64 = 0
    private var packetsSent = 0
    private var skippedPackets = 0
    private var framesDecoded = 0
    private var lastReported = -1.0
    /// With a window: the converter's output samples so far, counted from the input's start (set by
    /// the first decoded frame's time, as a seek may start reading later).
    private var windowClock: Int64?

    init(
        input: MediaInput, stream: UnsafeMutablePointer<AVStream>, options: AudioExtractionOptions,
        format: AudioOutputFormat, temporaryPath: String, outputPath: String, progress: ((Double) -> Void)?,
        isCancelled: (() -> Bool)? = nil
    ) throws {
        self.isCancelled = isCancelled
        self.input = input
        self.streamIndex = stream.pointee.index
        self.options = options
        self.format = format
        self.temporaryPath = temporaryPath
        self.outputPath = outputPath
        self.progress = progress
        self.timeBase = stream.pointee.time_base
        self.startTime = stream.pointee.start_time == cff_nopts_value() ? 0 : stream.pointee.start_time
        self.duration = MediaStreamInfo.seconds(stream.pointee.duration, stream.pointee.time_base) ?? input.durationSeconds
        self.decoder = try AudioDecoder(stream: stream, path: input.path, strict: !options.toleratesDamage)
    }

    deinit {
        av_channel_layout_uninit(&outputLayout)
    }

    /// Runs to the end of the input and returns what was written to the temporary file.
    func run() throws -> AudioExtraction {
        let packet = try MediaPacket(path: input.path)
        let decoded = try MediaFrame(path: input.path)
        var completeness = InputCompleteness(input)
        var read: Int32 = 0
        seekToWindow()
        while !windowFilled {
            if let isCancelled, isCancelled() {
                throw CancellationError()
            }
            read = av_read_frame(input.context, packet.pointer)
            if read < 0 { break }
            defer { av_packet_unref(packet.pointer) }
            completeness.record(packet.pointer)
            guard packet.pointer.pointee.stream_index == streamIndex else { continue }
            packetsSent += 1
            var sent = avcodec_send_packet(decoder.context, packet.pointer)
            if sent == FFmpegCode.again {
                // The decoder wants its pending frames read before it takes this packet.
                try receiveFrames(into: decoded)
                sent = avcodec_send_packet(decoder.context, packet.pointer)
            }
            if sent < 0 {
                try skip(packet.pointer, because: sent)
                continue
            }
            try receiveFrames(into: decoded)
        }
        _ = avcodec_send_packet(decoder.context, nil)
        try receiveFrames(into: decoded)
        if !options.toleratesDamage && options.window == nil {
            try completeness.verify(readResult: read)
        }

        guard framesDecoded > 0, let encoder, let container, let fifo else {
            throw MediaError.corrupt(path: input.path, detail: "no audio could be decoded")
        }
        if skippedPackets * 2 > packetsSent {
            throw MediaError.corrupt(
                path: input.path, detail: "\(skippedPackets) of \(packetsSent) audio packets are damaged")
        }
        try flushConverter()
        while fifo.count > 0 && !windowFilled {
            try encodeQueued(encoder: encoder, container: container)
        }
        try encoder.encode(nil, into: container)
        try container.finish()
        report(1)
        return AudioExtraction(
            output: outputPath, format: format, sourceStreamIndex: Int(streamIndex), sourceCodec: decoder.codecName,
            sampleRate: Int(outputRate), channels: Int(outputLayout.nb_channels), samples: samplesWritten,
            skippedPackets: skippedPackets)
    }

    private func receiveFrames(into frame: MediaFrame) throws {
        while true {
            let received = avcodec_receive_frame(decoder.context, frame.pointer)
            if received == FFmpegCode.again || received == FFmpegCode.endOfFile { return }
            if received < 0 {
                try skip(nil, because: received)
                return
            }
            defer { av_frame_unref(frame.pointer) }
            try process(frame.pointer)
        }
    }

    private func process(_ frame: UnsafeMutablePointer<AVFrame>) throws {
        guard frame.pointee.nb_samples > 0 else { return }
        try FiniteSamples.check(frame, path: input.path, seconds: seconds(of: frame))
        let signature = (frame.pointee.format, frame.pointee.sample_rate, frame.pointee.ch_layout.nb_channels)
        guard signature.1 > 0, signature.2 > 0 else {
            skippedPackets += 1
            return
        }
        if container == nil {
            try openOutput(firstFrame: frame)
        }
        if options.window != nil, windowClock == nil {
            windowClock = Int64(((seconds(of: frame) ?? 0) * Double(outputRate)).rounded())
        }
        if inputSignature.map({ $0 != signature }) ?? true {
            try flushConverter()
            try makeConverter(for: frame)
            inputSignature = signature
        }
        if let filterGraph {
            try filterGraph.push(frame)
            try drainFilterGraph()
        } else if let resampler, let fifo, let encoder, let container {
            let needed = resampler.outputCapacity(forInput: frame.pointee.nb_samples)
            let buffer = try conversionBuffer(capacity: needed)
            let count = try resampler.convert(frame, into: buffer)
            try enqueue(buffer, samples: count, into: fifo)
            while fifo.count >= encoder.frameSize {
                try encodeQueued(encoder: encoder, container: container)
            }
        }
        framesDecoded += 1
        if let duration, duration > 0, let seconds = seconds(of: frame) {
            report(min(max(seconds / duration, 0), 1))
        }
    }

    /// Where `frame` starts in the input, in seconds, when its timestamp says.
    private func seconds(of frame: UnsafeMutablePointer<AVFrame>) -> Double? {
        let pts = frame.pointee.best_effort_timestamp
        guard pts != cff_nopts_value(), timeBase.den != 0 else { return nil }
        return Double(pts - startTime) * Double(timeBase.num) / Double(timeBase.den)
    }

    private func openOutput(firstFrame frame: UnsafeMutablePointer<AVFrame>) throws {
        let sourceChannels = frame.pointee.ch_layout.nb_channels
        let channels = options.channels.channels(source: sourceChannels)
        if options.channels == .keep, cff_layout_is_unspecified(&frame.pointee.ch_layout) == 0 {
            _ = av_channel_layout_copy(&outputLayout, &frame.pointee.ch_layout)
        } else {
            cff_default_layout(&outputLayout, channels)
        }
        let requestedRate = options.sampleRate.map { Int32(clamping: $0) } ?? frame.pointee.sample_rate
        guard requestedRate > 0 else {
            throw MediaError.unsupportedOutput(path: outputPath, reason: "sample rate \(requestedRate) Hz")
        }
        outputRate = requestedRate
        let container = try OutputContainer(format: format, filePath: temporaryPath, displayPath: outputPath)
        let encoder = try AudioEncoder(
            path: outputPath, format: format, encoding: options.encoding, sampleRate: outputRate,
            layout: &outputLayout, mp3BitRate: options.mp3BitRate, globalHeader: container.wantsGlobalHeader)
        try container.open(with: encoder)
        self.container = container
        self.encoder = encoder
        fifo = try AudioSampleFIFO(
            path: input.path, format: encoder.sampleFormat, channels: outputLayout.nb_channels,
            capacity: encoder.frameSize * 2)
        encodeFrame = try MediaFrame(
            path: input.path, capacity: encoder.frameSize, format: encoder.sampleFormat, layout: &outputLayout,
            sampleRate: outputRate)
    }

    /// Sets up what turns decoded frames into output samples: the filter graph when there are
    /// filters, else a plain resampler.
    private func makeConverter(for frame: UnsafeMutablePointer<AVFrame>) throws {
        guard let encoder else {
            throw MediaError.processingFailed(path: input.path, detail: "converter set up before the encoder")
        }
        var inputLayout = AVChannelLayout()
        defer { av_channel_layout_uninit(&inputLayout) }
        frameChannelLayout(frame, into: &inputLayout)
        if options.filters.isEmpty {
            resampler = try AudioResampler(
                path: input.path, input: &inputLayout, inputFormat: AVSampleFormat(rawValue: frame.pointee.format),
                inputRate: frame.pointee.sample_rate, output: &outputLayout, outputFormat: encoder.sampleFormat,
                outputRate: outputRate)
        } else {
            filterGraph = try AudioFilterGraph(
                path: input.path, filters: options.filters, input: frame, inputLayout: &inputLayout,
                output: &outputLayout, outputFormat: encoder.sampleFormat, outputRate: outputRate)
        }
    }

    /// Moves every frame the filter graph has ready into the FIFO, encoding full frames as they fill.
    private func drainFilterGraph() throws {
        guard let filterGraph, let fifo, let encoder, let container else { return }
        let frame = try filtered ?? MediaFrame(path: input.path)
        filtered = frame
        while try filterGraph.pull(into: frame) {
            defer { av_frame_unref(frame.pointer) }
            try enqueue(frame, samples: frame.pointer.pointee.nb_samples, into: fifo)
            while fifo.count >= encoder.frameSize {
                try encodeQueued(encoder: encoder, container: container)
            }
        }
    }

    /// Pushes out what the resampler or filter graph still holds (filter delay, tails).
    private func flushConverter() throws {
        if let filterGraph {
            try filterGraph.push(nil)
            try drainFilterGraph()
            self.filterGraph = nil
        } else {
            try drainResampler()
        }
    }

    /// A reusable buffer for converted samples, grown (rarely) to the largest frame seen.
    private func conversionBuffer(capacity: Int32) throws -> MediaFrame {
        if let converted, converted.capacity >= capacity {
            return converted
        }
        guard let encoder else {
            throw MediaError.processingFailed(path: input.path, detail: "buffer needed before the encoder")
        }
        let buffer = try MediaFrame(
            path: input.path, capacity: max(capacity, 4096), format: encoder.sampleFormat, layout: &outputLayout,
            sampleRate: outputRate)
        converted = buffer
        return buffer
    }

    /// Pushes the samples the resampler still holds (its filter delay) into the FIFO.
    private func drainResampler() throws {
        guard let resampler, let fifo, let encoder, let container else { return }
        while true {
            let buffer = try conversionBuffer(capacity: max(resampler.outputCapacity(forInput: 0), 1))
            let count = try resampler.convert(nil, into: buffer)
            if count <= 0 { break }
            try enqueue(buffer, samples: count, into: fifo)
            while fifo.count >= encoder.frameSize {
                try encodeQueued(encoder: encoder, container: container)
            }
        }
    }

    /// Queues converted samples; with a window, those before its start are dropped as they come.
    private func enqueue(_ frame: MediaFrame, samples: Int32, into fifo: AudioSampleFIFO) throws {
        try fifo.write(frame, samples: samples)
        guard let window = options.window, let clock = windowClock else { return }
        windowClock = clock + Int64(samples)
        let first = Int64((window.start * Double(outputRate)).rounded())
        // Before the start nothing stays queued, so the samples to drop are the queue's first ones.
        if clock < first { fifo.drain(Int32(min(Int64(samples), first - clock))) }
    }

    /// The samples a window holds, or nil for the whole input.
    private var windowSamples: Int64? {
        options.window?.duration.map { Int64(($0 * Double(outputRate)).rounded()) }
    }

    /// Whether a window's samples are all written: reading stops there.
    private var windowFilled: Bool {
        guard let limit = windowSamples, outputRate > 0 else { return false }
        return samplesWritten >= limit
    }

    /// Seeks near a window's start (a second early: what is before it is dropped sample by sample), so
    /// a preview late in a long file does not decode all that comes before.
    private func seekToWindow() {
        guard let window = options.window, window.start > 1, timeBase.num > 0 else { return }
        let target = startTime + Int64((window.start - 1) * Double(timeBase.den) / Double(timeBase.num))
        if av_seek_frame(input.context, streamIndex, target, AVSEEK_FLAG_BACKWARD) >= 0 {
            avcodec_flush_buffers(decoder.context)
        }
    }

    private func encodeQueued(encoder: AudioEncoder, container: OutputContainer) throws {
        guard let fifo, let encodeFrame else { return }
        let left = windowSamples.map { Int32(clamping: max($0 - samplesWritten, 0)) } ?? encodeFrame.capacity
        if left == 0 {
            // The window is full: what is still queued is past its end.
            fifo.drain(fifo.count)
            return
        }
        let count = try fifo.read(into: encodeFrame, maximum: left)
        guard count > 0 else { return }
        encodeFrame.pointer.pointee.pts = samplesWritten
        samplesWritten += Int64(count)
        try encoder.encode(encodeFrame.pointer, into: container)
    }

    /// Counts a packet the decoder refused; unless damage is tolerated, that ends the run with the
    /// packet's time, so a damaged file never passes for a good one.
    private func skip(_ packet: UnsafeMutablePointer<AVPacket>?, because code: Int32) throws {
        skippedPackets += 1
        guard options.toleratesDamage else {
            var place = ""
            if let packet, packet.pointee.pts != cff_nopts_value(), timeBase.den != 0 {
                let seconds = Double(packet.pointee.pts - startTime) * Double(timeBase.num) / Double(timeBase.den)
                place = String(format: " at %.2f s", max(seconds, 0))
            }
            throw MediaError.corrupt(
                path: input.path, detail: "the \(decoder.codecName) audio is damaged\(place): \(FFmpegCode(code))")
        }
    }

    private func report(_ fraction: Double) {
        guard let progress, fraction >= 1 || fraction - lastReported >= 0.01 else { return }
        lastReported = fraction
        progress(fraction)
    }
}
