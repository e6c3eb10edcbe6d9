import CFFmpeg
import Foundation

/// Follows the packets read from an input and, at the end, tells a complete file from a truncated
/// or damaged one: a read that stopped with an error, or packets that end well short of the
/// duration the file's own headers declare (MP3's Xing frame count, FLAC's STREAMINFO, Matroska's
/// segment duration, MP4's moov), is ``MediaError/corrupt(path:detail:)``.
struct InputCompleteness {
    /// Packets may end this much before the declared duration (encoder padding, a last frame that
    /// carries no duration), plus ``relativeTolerance`` of the duration.
    static let absoluteTolerance = 0.15
    static let relativeTolerance = 0.002

    private let input: MediaInput
    private let start: Double
    /// Where the packets read so far end, in seconds from the file's start.
    private(set) var reached = 0.0

    init(_ input: MediaInput) {
        self.input = input
        let start = input.context.pointee.start_time
        self.start = start == cff_nopts_value() ? 0 : Double(start) / Double(cff_time_base())
    }

    /// Notes where `packet` ends.
    mutating func record(_ packet: UnsafeMutablePointer<AVPacket>) {
        guard let stream = input.stream(Int(packet.pointee.stream_index)) else { return }
        let base = stream.pointee.time_base
        let time = packet.pointee.pts != cff_nopts_value() ? packet.pointee.pts : packet.pointee.dts
        guard time != cff_nopts_value(), base.den != 0 else { return }
        let end = Double(time + max(packet.pointee.duration, 0)) * Double(base.num) / Double(base.den) - start
        reached = max(reached, end)
    }

    /// Throws when reading stopped on `readResult` other than the end of the file, or the packets
    /// fell short of the declared duration.
    func verify(readResult: Int32) throws {
        if readResult < 0, readResult != FFmpegCode.endOfFile {
            throw MediaError.corrupt(
                path: input.path,
                detail: "reading stopped after \(Self.format(reached)) s: \(FFmpegCode(readResult))")
        }
        guard let declared = declaredDuration else { return }
        let tolerance = max(Self.absoluteTolerance, declared * Self.relativeTolerance)
        if reached + tolerance < declared {
            throw MediaError.corrupt(
                path: input.path,
                detail: "it ends after \(Self.format(reached)) s of the \(Self.format(declared)) s its header declares")
        }
    }

    /// The duration the headers state; nil when FFmpeg only estimated it from the file's size and
    /// bit rate, which a truncated file shrinks along with it.
    private var declaredDuration: Double? {
        guard input.context.pointee.duration_estimation_method != AVFMT_DURATION_FROM_BITRATE else { return nil }
        return input.durationSeconds
    }

    private static func format(_ seconds: Double) -> String {
        String(format: "%.2f", seconds)
    }
}
