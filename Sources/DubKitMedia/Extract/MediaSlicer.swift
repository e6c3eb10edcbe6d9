import CFFmpeg
import Foundation

/// Cuts a stretch out of a video: the picture copied packet for packet from the keyframe at or
/// before the stretch's start, the first audio stream decoded and cut to the sample at the same
/// place, in a Matroska file (a preview's input).
public enum MediaSlicer {
    /// Writes `window` of `input` (which has a picture) to `output` (.mkv, .mp4 or .mov) and returns
    /// where the written stretch starts in the input, seconds: the keyframe at or before `window.start`.
    public static func slice(_ input: URL, window: MediaWindow, to output: URL) async throws -> Double {
        let start = try keyframe(atOrBefore: window.start, in: input)
        let cut = MediaWindow(start: start, duration: window.end.map { $0 - start })
        let folder = output.deletingLastPathComponent()
        let audio = folder.appendingPathComponent(OwnedTemporary.name("slice-audio", suffix: ".wav"))
        defer { try? FileManager.default.removeItem(at: audio) }
        var options = AudioExtractionOptions()
        options.window = cut
        _ = try await AudioExtractor.extractAudio(from: input, to: audio, options: options)
        let language = (try? MediaProbe.probe(input))?.audioStreams.first?.language ?? "und"
        var plan = RemuxPlan(video: input, output: output,
                             dubbedTracks: [DubbedTrack(audio: audio, language: DubbedTrack.isValidLanguage(language) ? language : "und")])
        plan.window = cut
        _ = try await Remuxer.remux(plan)
        return start
    }

    /// The time (seconds from the file's start) of the first video stream's keyframe at or before
    /// `seconds`; 0 when the file cannot seek.
    static func keyframe(atOrBefore seconds: Double, in url: URL) throws -> Double {
        guard seconds > 0 else { return 0 }
        let input = try MediaInput(url)
        guard let stream = (0..<Int(input.context.pointee.nb_streams)).compactMap({ input.stream($0) }).first(where: {
            $0.pointee.codecpar?.pointee.codec_type == AVMEDIA_TYPE_VIDEO && $0.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0
        }) else { throw MediaError.noVideoStream(path: input.path) }
        let base = stream.pointee.time_base
        guard base.num > 0, base.den > 0 else { return 0 }
        let origin = stream.pointee.start_time == cff_nopts_value() ? 0 : stream.pointee.start_time
        // A hair past the asked time, so a keyframe exactly there is taken despite rounding.
        let target = origin + Int64(((seconds + 0.0005) * Double(base.den) / Double(base.num)).rounded(.down))
        guard av_seek_frame(input.context, stream.pointee.index, target, AVSEEK_FLAG_BACKWARD) >= 0 else { return 0 }
        let packet = try MediaPacket(path: input.path)
        while av_read_frame(input.context, packet.pointer) >= 0 {
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == stream.pointee.index,
                  packet.pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 else { continue }
            let pts = packet.pointer.pointee.pts != cff_nopts_value() ? packet.pointer.pointee.pts : packet.pointer.pointee.dts
            guard pts != cff_nopts_value() else { return 0 }
            let found = Double(pts - origin) * Double(base.num) / Double(base.den)
            return found <= seconds + 0.001 ? max(found, 0) : 0
        }
        return 0
    }
}
