import Crypto
import DubKitMedia
import Foundation

/// Writes finished dubs out: into a video (video copied, dubs as language tracks) or as an audio file,
/// and records the export with its settings and hash.
public struct DubExporter: Sendable {
    /// How one export is written.
    public struct Settings: Sendable, Hashable {
        /// The video to put the dubs into; nil takes the first dub's source when it has video.
        public var video: URL?
        /// ISO 639-2 language of the dubbed tracks (`spa`); nil takes the source audio's tag, else `und`.
        public var language: String?
        /// Keep the original audio as a further, non-default track.
        public var keepOriginal: Bool

        public init(video: URL? = nil, language: String? = nil, keepOriginal: Bool = false) {
            self.video = video
            self.language = language
            self.keepOriginal = keepOriginal
        }
    }

    public let store: ProjectStore

    public init(store: ProjectStore) {
        self.store = store
    }

    /// Writes `dubs` (all `done`) to `output`: a video container (.mp4, .mov, .mkv) or audio (.wav, .flac, .mp3).
    public func export(_ dubs: [Dub], to output: URL, settings: Settings = Settings()) async throws -> ExportRecord {
        guard let first = dubs.first else {
            throw DubKitError.invalidField(field: "dubs", value: "none", allowed: "one or more finished dubs")
        }
        let results = try dubs.map { dub -> URL in
            guard dub.status == .done, let hash = dub.resultMediaHash, store.media.contains(hash) else {
                throw DubKitError.invalidField(field: "dub \(dub.id ?? 0)", value: dub.status.rawValue,
                                               allowed: "a dub that is done (run `dubkit dub run` first)")
            }
            return store.media.url(for: hash)
        }
        let format: String
        if let container = VideoContainerFormat(fileExtension: output.pathExtension) {
            let video = try settings.video ?? sourceVideo(of: first)
            let language = try settings.language ?? MediaProbe.probe(video).audioStreams.first?.language ?? "und"
            let tracks = zip(dubs, results).map { dub, result in
                DubbedTrack(audio: result, language: language.count == 3 ? language : "und", title: "Dub: \(dub.voice)")
            }
            _ = try await Remuxer.remux(RemuxPlan(video: video, output: output, dubbedTracks: tracks,
                                                  keepOriginalAudio: settings.keepOriginal))
            format = container.rawValue
        } else if let audio = AudioOutputFormat(fileExtension: output.pathExtension) {
            guard results.count == 1 else {
                throw DubKitError.invalidField(field: "output", value: output.lastPathComponent,
                                               allowed: "a video file (.mp4, .mov, .mkv) for several dubs")
            }
            _ = try await AudioExtractor.extractAudio(from: results[0], to: output, options: AudioExtractionOptions(format: audio))
            format = audio.rawValue
        } else {
            throw DubKitError.invalidField(field: "output", value: output.lastPathComponent,
                                           allowed: "a name ending in .mp4, .mov, .mkv, .wav, .flac or .mp3")
        }
        var record = ExportRecord(
            path: output.standardizedFileURL.path, format: format,
            settings: [
                "video": settings.video.map { .string($0.path) } ?? .null,
                "language": settings.language.map(JSONValue.string) ?? .null,
                "keepOriginal": .bool(settings.keepOriginal),
            ],
            fileHash: try Self.sha256(of: output))
        let dubIDs = dubs.compactMap(\.id)
        let saved = record
        record = try store.write { db in
            var inserted = saved
            try inserted.insert(db)
            for (position, id) in dubIDs.enumerated() {
                try db.execute(sql: "INSERT INTO export_dub (export_id, dub_id, position) VALUES (?, ?, ?)",
                               arguments: [inserted.id, id, position])
            }
            var event = Event(entity: .export, entityID: inserted.id ?? 0, kind: .created,
                              message: "exported dubs \(dubIDs.map(String.init).joined(separator: ", ")) to \(saved.path)")
            try event.insert(db)
            return inserted
        }
        return record
    }

    /// The dub's video: its source file, or the file its link delivered (stored in media/).
    private func sourceVideo(of dub: Dub) throws -> URL {
        let source = switch dub.sourceKind {
        case .file: URL(fileURLWithPath: dub.source)
        case .link: store.media.url(for: dub.linkMediaHash ?? "")
        }
        guard (try? MediaProbe.probe(source))?.streams.contains(where: { $0.kind == .video }) == true else {
            throw DubKitError.invalidField(field: "video", value: dub.source,
                                           allowed: "a source with a video stream, or --video FILE")
        }
        return source
    }

    /// SHA-256 of a file, read in blocks.
    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(data: block)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
