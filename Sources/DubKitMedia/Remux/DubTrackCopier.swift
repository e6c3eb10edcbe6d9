import CFFmpeg

/// Copies a dub that already is AAC (with its decoder configuration, at a rate AAC allows) packet
/// for packet, dropping the packets that start after the video ends. Only used when the dub is
/// at least as long as the video less one frame, since copying cannot pad.
final class DubTrackCopier: DubTrackWriter {
    let track: DubbedTrack
    var isCopy: Bool { true }

    private let input: MediaInput
    private let stream: UnsafeMutablePointer<AVStream>
    private let packet: MediaPacket
    private var pending = false
    private var finished = false
    private var offset: Int64 = 0
    private let firstTimestamp: Int64

    /// A copier for `track`, or nil when its audio has to be encoded instead.
    init?(track: DubbedTrack, videoSeconds: Double?) throws {
        let input = try MediaInput(track.audio)
        let stream = try AudioExtractor.selectStream(.first, in: input)
        guard let videoSeconds, let parameters = stream.pointee.codecpar,
              parameters.pointee.codec_id == AV_CODEC_ID_AAC, parameters.pointee.extradata_size > 0,
              DubTrackEncoder.aacRates.contains(parameters.pointee.sample_rate),
              let seconds = MediaStreamInfo.seconds(stream.pointee.duration, stream.pointee.time_base) ?? input.durationSeconds,
              seconds >= videoSeconds - 1024 / Double(parameters.pointee.sample_rate) else {
            return nil
        }
        self.track = track
        self.input = input
        self.stream = stream
        self.packet = try MediaPacket(path: input.path)
        firstTimestamp = stream.pointee.start_time == cff_nopts_value() ? 0 : stream.pointee.start_time
    }

    func addStream(to muxer: VideoOutputContainer) throws -> UnsafeMutablePointer<AVStream> {
        let copy = try muxer.addCopy(of: stream)
        av_dict_free(&copy.pointee.metadata)
        return copy
    }

    func start(at seconds: Double) {
        let base = stream.pointee.time_base
        offset = base.num > 0 ? Int64((seconds * Double(base.den) / Double(base.num)).rounded()) : 0
    }

    func advance(to seconds: Double, final: Bool, into sink: MuxerStream) throws {
        let base = stream.pointee.time_base
        while !finished {
            if !pending {
                guard readNext() else {
                    finished = true
                    break
                }
            }
            let time = packet.pointer.pointee.pts == cff_nopts_value() ? packet.pointer.pointee.dts : packet.pointer.pointee.pts
            let start = Double(time - firstTimestamp) * Double(base.num) / Double(base.den)
            if start >= seconds {
                if final {
                    // Everything from here starts after the video has ended: trimmed.
                    av_packet_unref(packet.pointer)
                    pending = false
                    finished = true
                }
                break
            }
            pending = false
            if packet.pointer.pointee.pts != cff_nopts_value() { packet.pointer.pointee.pts += offset - firstTimestamp }
            if packet.pointer.pointee.dts != cff_nopts_value() { packet.pointer.pointee.dts += offset - firstTimestamp }
            try sink.write(packet.pointer, timeBase: base)
            av_packet_unref(packet.pointer)
        }
    }

    /// Reads the dub's next packet into `packet`; false at the end of the file.
    private func readNext() -> Bool {
        while av_read_frame(input.context, packet.pointer) >= 0 {
            if packet.pointer.pointee.stream_index == stream.pointee.index {
                pending = true
                return true
            }
            av_packet_unref(packet.pointer)
        }
        return false
    }
}
