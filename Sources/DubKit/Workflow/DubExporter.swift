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
        /// A language for each dub in order, overriding ``language`` (several dubs as several languages).
        public var languages: [String]
        /// A title for each dub's track in order; missing ones are "Dub: PROVIDER:VOICE".
        public var titles: [String]
        /// Keep the original audio as a further, non-default track.
        public var keepOriginal: Bool
        /// How loud the dubbed audio is made; nil: the original's loudness for a video, -16 LUFS for audio.
        public var loudness: ExportLoudness?
        /// Fit a dub whose sync report is flagged back onto its source's timeline, segment by segment.
        public var fitToSource = true
        /// The backing track (music and effects) the dubbed vocals are mixed back over, for dubs made
        /// from separated vocals; nil exports the dubs as they are.
        public var accompaniment: URL?
        /// Gain of the dubbed vocals in the mix with ``accompaniment``, dB.
        public var vocalsGain: Double
        /// Gain of ``accompaniment`` in the mix, dB.
        public var accompanimentGain: Double

        public init(video: URL? = nil, language: String? = nil, languages: [String] = [], titles: [String] = [],
                    keepOriginal: Bool = false, loudness: ExportLoudness? = nil, accompaniment: URL? = nil,
                    vocalsGain: Double = 0, accompanimentGain: Double = 0) {
            self.video = video
            self.language = language
            self.languages = languages
            self.titles = titles
            self.keepOriginal = keepOriginal
            self.loudness = loudness
            self.accompaniment = accompaniment
            self.vocalsGain = vocalsGain
            self.accompanimentGain = accompanimentGain
        }

        /// The gains a mix takes: -60...24 dB.
        public static let mixGains = -60.0...24.0
    }

    public let store: ProjectStore

    public init(store: ProjectStore) {
        self.store = store
    }

    /// Writes `dubs` (all `done`) to `output`: a video container (.mp4, .mov, .mkv) or audio (.wav, .flac, .mp3).
    /// `progress` hears each phase (fitting, mixing, levelling loudness, writing) as it goes.
    public func export(_ dubs: [Dub], to output: URL, settings: Settings = Settings(),
                       progress: (@Sendable (WorkProgress) -> Void)? = nil) async throws -> ExportRecord {
        guard let first = dubs.first else {
            throw DubKitError.invalidField(field: "dubs", value: "none", allowed: "one or more finished dubs")
        }
        for (field, gain) in [("vocals gain", settings.vocalsGain), ("accompaniment gain", settings.accompanimentGain)]
        where !Settings.mixGains.contains(gain) {
            throw DubKitError.invalidField(field: field, value: "\(gain) dB", allowed: "-60...24 dB")
        }
        let incoming = store.media.incoming
        // What killed exports left in the temporary folder goes, whether or not this one levels loudness.
        OwnedTemporary.sweepTemporaryFolder()
        var temporaries: [URL] = []
        defer { for url in temporaries { try? FileManager.default.removeItem(at: url) } }
        var fitted: [Int64] = []
        var results: [URL] = []
        for dub in dubs {
            guard dub.status == .done, let hash = dub.resultMediaHash, store.media.contains(hash) else {
                throw DubKitError.invalidField(field: "dub \(dub.id ?? 0)", value: dub.status.rawValue,
                                               allowed: "a dub that is done (run `dubkit dub run` first)")
            }
            let result = store.media.url(for: hash)
            // A dub that drifted is put back onto its source's timeline, never left to drift.
            if settings.fitToSource, let report = dub.syncReport, report.flagged, let source = dub.sourceMediaHash {
                let seconds = try AudioAnalyzer.analyze(store.media.url(for: source)).durationSeconds
                let url = store.media.temporaryFile("fitted", suffix: ".wav")
                temporaries.append(url)
                progress?(WorkProgress(phase: .fitting, fraction: 0, mediaSeconds: seconds))
                try await SyncFitter.fit(dubbed: result, report: report, sourceSeconds: seconds, to: url, scratch: incoming)
                fitted.append(dub.id ?? 0)
                progress?(WorkProgress(phase: .fitting, fraction: 1, mediaSeconds: seconds))
                results.append(url)
            } else {
                results.append(result)
            }
        }
        if let accompaniment = settings.accompaniment {
            results = try await mix(results, over: accompaniment, settings: settings, in: incoming, temporaries: &temporaries,
                                    progress: progress)
        }
        let format: String
        let loudness: ExportLoudness
        if let container = VideoContainerFormat(fileExtension: output.pathExtension) {
            let video = try settings.video ?? sourceVideo(of: first)
            try checkMadeFrom(video, dubs)
            let language = try settings.language ?? MediaProbe.probe(video).audioStreams.first?.language ?? "und"
            loudness = settings.loudness ?? .matchOriginal
            let leveled = try await level(results, loudness, original: video, in: incoming, temporaries: &temporaries,
                                          progress: progress)
            let tracks = zip(dubs, leveled).enumerated().map { index, pair in
                let tag = index < settings.languages.count ? settings.languages[index] : language
                return DubbedTrack(audio: pair.1, language: tag.count == 3 ? tag : "und",
                                   title: index < settings.titles.count ? settings.titles[index] : "Dub: \(pair.0.voice)")
            }
            let videoSeconds = (try? MediaProbe.probe(video))?.durationSeconds
            _ = try await Remuxer.remux(RemuxPlan(video: video, output: output, dubbedTracks: tracks,
                                                  keepOriginalAudio: settings.keepOriginal),
                                        progress: progress.map { report in
                                            { @Sendable fraction in report(WorkProgress(phase: .writingVideo, fraction: fraction, mediaSeconds: videoSeconds)) }
                                        })
            format = container.rawValue
        } else if let audio = AudioOutputFormat(fileExtension: output.pathExtension) {
            guard results.count == 1 else {
                throw DubKitError.invalidField(field: "output", value: output.lastPathComponent,
                                               allowed: "a video file (.mp4, .mov, .mkv) for several dubs")
            }
            loudness = settings.loudness ?? .web
            let original = try? settings.video ?? sourceVideo(of: first, needsVideo: false)
            if audio == .wav, let target = try await loudness.target(matching: original) {
                // The leveller writes a WAV as the extractor would (16-bit, the dub's rate and channels): straight to the output.
                let seconds = Self.seconds(of: results)
                try await LoudnessLeveler.level(results[0], to: output, target: target, progress: progress.map { report in
                    { @Sendable fraction in report(WorkProgress(phase: .levelling, fraction: fraction, mediaSeconds: seconds)) }
                })
            } else {
                let leveled = try await level(results, loudness, original: original, in: incoming, temporaries: &temporaries,
                                              progress: progress)
                let seconds = Self.seconds(of: leveled)
                _ = try await AudioExtractor.extractAudio(from: leveled[0], to: output, options: AudioExtractionOptions(format: audio),
                                                          progress: progress.map { report in
                                                              { @Sendable fraction in report(WorkProgress(phase: .writingAudio, fraction: fraction, mediaSeconds: seconds)) }
                                                          })
            }
            format = audio.rawValue
        } else {
            throw DubKitError.invalidField(field: "output", value: output.lastPathComponent,
                                           allowed: "a name ending in .mp4, .mov, .mkv, .wav, .flac, .mp3 or .m4a")
        }
        var record = ExportRecord(
            path: output.standardizedFileURL.path, format: format,
            settings: [
                "video": settings.video.map { .string($0.path) } ?? .null,
                "language": settings.language.map(JSONValue.string) ?? .null,
                "keepOriginal": .bool(settings.keepOriginal),
                "languages": .array(settings.languages.map(JSONValue.string)),
                "titles": .array(settings.titles.map(JSONValue.string)),
                "loudness": loudness.recorded,
                "fittedToSource": .array(fitted.map { .number(Double($0)) }),
                "accompaniment": settings.accompaniment.map { .string($0.path) } ?? .null,
                "vocalsGain": .number(settings.vocalsGain),
                "accompanimentGain": .number(settings.accompanimentGain),
            ],
            fileHash: try Self.sha256(of: output))
        let dubIDs = dubs.compactMap(\.id)
        record = try store.recordExport(record, dubs: dubIDs)
        return record
    }

    /// Each dub's vocals mixed over `accompaniment` at the settings' gains (libavfilter's amix), as
    /// temporary WAVs as long as the longer of the two.
    private func mix(_ results: [URL], over accompaniment: URL, settings: Settings, in folder: URL,
                     temporaries: inout [URL], progress: (@Sendable (WorkProgress) -> Void)?) async throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var mixed: [URL] = []
        let seconds = Self.seconds(of: results)
        for (index, result) in results.enumerated() {
            progress?(WorkProgress(phase: .mixing, fraction: Double(index) / Double(results.count), mediaSeconds: seconds))
            let url = folder.appendingPathComponent(OwnedTemporary.name("mix", suffix: ".wav"))
            temporaries.append(url)
            _ = try await AudioMixer.mix([AudioMixInput(file: result, gainDecibels: settings.vocalsGain),
                                          AudioMixInput(file: accompaniment, gainDecibels: settings.accompanimentGain)],
                                         to: url)
            mixed.append(url)
        }
        progress?(WorkProgress(phase: .mixing, fraction: 1, mediaSeconds: seconds))
        return mixed
    }

    /// Refuses dubs whose source is not as long as `video` (within a second): they were made from
    /// another recording and would not line up with its picture.
    private func checkMadeFrom(_ video: URL, _ dubs: [Dub]) throws {
        guard let length = try MediaProbe.probe(video).durationSeconds else { return }
        for dub in dubs {
            guard let hash = dub.sourceMediaHash, store.media.contains(hash),
                  let seconds = (try? MediaProbe.probe(store.media.url(for: hash)))?.durationSeconds else { continue }
            if abs(seconds - length) > 1 {
                throw DubKitError.invalidField(
                    field: "dub \(dub.id ?? 0)", value: String(format: "a %.1f s source", seconds),
                    allowed: String(format: "a dub of this video (%.1f s, %@); export it on its own or give its own video with --video",
                                    length, video.lastPathComponent))
            }
        }
    }

    /// The dubs' audio brought to `loudness` (measured, then one gain through a true-peak limiter) as
    /// temporary WAVs, or as they are.
    private func level(_ results: [URL], _ loudness: ExportLoudness, original: URL?, in folder: URL,
                       temporaries: inout [URL], progress: (@Sendable (WorkProgress) -> Void)?) async throws -> [URL] {
        guard let target = try await loudness.target(matching: original) else { return results }
        let seconds = Self.seconds(of: results)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var leveled: [URL] = []
        for (index, result) in results.enumerated() {
            let url = folder.appendingPathComponent(OwnedTemporary.name("export", suffix: ".wav"))
            temporaries.append(url)
            let count = Double(results.count)
            try await LoudnessLeveler.level(
                result, to: url, target: target,
                progress: progress.map { report in
                    { @Sendable fraction in
                        report(WorkProgress(phase: .levelling, fraction: (Double(index) + fraction) / count, mediaSeconds: seconds))
                    }
                })
            leveled.append(url)
        }
        return leveled
    }

    /// The seconds of audio in `files` together; nil when one cannot be probed.
    static func seconds(of files: [URL]) -> Double? {
        var total = 0.0
        for file in files {
            guard let seconds = (try? MediaProbe.probe(file))?.durationSeconds else { return nil }
            total += seconds
        }
        return total
    }

    /// The dub's video: its source file, or the file its link delivered (stored in media/).
    private func sourceVideo(of dub: Dub, needsVideo: Bool = true) throws -> URL {
        let source = switch dub.sourceKind {
        case .file: URL(fileURLWithPath: dub.source)
        case .link: store.media.url(for: dub.linkMediaHash ?? "")
        }
        guard !needsVideo || (try? MediaProbe.probe(source))?.streams.contains(where: { $0.kind == .video }) == true else {
            throw DubKitError.invalidField(field: "video", value: dub.shownSource,
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
