import DubKitMedia
import Foundation

/// The slice of an input a preview converts (`convert --start T --duration D`): a quick listen that is
/// a dub of its own, its slice part of its convert key.
public struct PreviewSlice: Sendable, Hashable {
    /// Where the slice starts in the input, seconds.
    public var start: Double
    /// How long it is, seconds; nil to the end of the input.
    public var duration: Double?

    /// The slice `start` and `duration` name (seconds, `mm:ss` or `hh:mm:ss`, with decimals); nil when
    /// neither is given. Refuses a time that does not read, a negative start and a duration not above 0.
    public init?(start: String?, duration: String?) throws(DubKitError) {
        guard start != nil || duration != nil else { return nil }
        var from = 0.0
        if let start {
            guard let seconds = Self.seconds(start), seconds >= 0 else {
                throw .invalidField(field: "--start", value: start, allowed: "a time at or after 0, in seconds (12.5) or mm:ss (1:30)")
            }
            from = seconds
        }
        self.start = from
        if let duration {
            guard let seconds = Self.seconds(duration), seconds > 0 else {
                throw .invalidField(field: "--duration", value: duration, allowed: "a length above 0, in seconds (20) or mm:ss (0:20)")
            }
            self.duration = seconds
        }
    }

    /// A slice from `start`, `duration` long (nil: to the end).
    public init(start: Double, duration: Double?) {
        self.start = start
        self.duration = duration
    }

    /// `text` as seconds: `90`, `90.5`, `1:30`, `1:02:03.5`; nil when it is none of these.
    public static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), let last = Double(parts[parts.count - 1]), last.isFinite else { return nil }
        var total = last
        for (power, part) in parts.dropLast().reversed().enumerated() {
            guard let whole = Int(part), whole >= 0 else { return nil }
            total += Double(whole) * pow(60, Double(power + 1))
        }
        // In mm:ss the seconds part is under 60.
        if parts.count > 1, !(0..<60).contains(last) { return nil }
        return total
    }

    /// What the slice adds to a convert key.
    public var keyPart: String {
        "slice \(start)+" + (duration.map { "\($0)" } ?? "end")
    }

    /// Whether `info` has a picture to keep (a video stream that is not a cover image).
    public static func hasPicture(_ info: MediaInfo) -> Bool {
        info.streams.contains { $0.kind == .video && !["mjpeg", "png", "bmp", "gif", "webp"].contains($0.codecName) }
    }

    /// Cuts the slice of `input` into `media` (a Matroska file with the picture when `keepPicture`,
    /// else a WAV of the audio) and returns the stored file and where the slice really starts: a
    /// picture is copied, so it starts at the keyframe at or before ``start``.
    public func cut(_ input: URL, into media: MediaStore, keepPicture: Bool) async throws -> (file: URL, start: Double) {
        try FileManager.default.createDirectory(at: media.incoming, withIntermediateDirectories: true)
        let temporary = media.temporaryFile("slice", suffix: keepPicture ? ".mkv" : ".wav")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let window = MediaWindow(start: start, duration: duration)
        let start: Double
        if keepPicture {
            start = try await MediaSlicer.slice(input, window: window, to: temporary)
        } else {
            var options = AudioExtractionOptions()
            options.window = window
            _ = try await AudioExtractor.extractAudio(from: input, to: temporary, options: options)
            start = window.start
        }
        let ref = try media.adopt(temporary)
        return (media.url(for: ref.hash), start)
    }
}
