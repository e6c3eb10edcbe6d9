import DubKitMedia
import Foundation

/// Writes a project's review page: a static folder (index.html, audio, pictures) a person opens in a
/// browser, with no server and nothing fetched from elsewhere.
public struct ReviewPage: Sendable {
    public let store: ProjectStore

    public init(store: ProjectStore) {
        self.store = store
    }

    /// Writes the page into `folder` (made if missing; its previous page replaced) and returns index.html.
    public func write(to folder: URL, report: @Sendable (String) -> Void = { _ in }) async throws -> URL {
        let media = folder.appendingPathComponent("media", isDirectory: true)
        let images = folder.appendingPathComponent("images", isDirectory: true)
        do {
            for sub in [media, images] {
                try? FileManager.default.removeItem(at: sub)
                try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            }
        } catch {
            throw DubKitError.mediaIO(path: folder.path, reason: "cannot be written: \(error.localizedDescription)")
        }
        var sections: [String] = []
        for dub in try store.dubs() {
            report("review: dub \(dub.id ?? 0)")
            sections.append(try await section(for: dub, media: media, images: images))
        }
        let datasets = try store.datasets().map { try datasetSection($0) }
        let info = try store.info()
        let html = ReviewHTML.page(title: "DubKit review: \(info.name)", dubs: sections, datasets: datasets)
        let index = folder.appendingPathComponent("index.html")
        do {
            try Data(html.utf8).write(to: index, options: .atomic)
        } catch {
            throw DubKitError.mediaIO(path: index.path, reason: "cannot be written: \(error.localizedDescription)")
        }
        return index
    }

    private func section(for dub: Dub, media: URL, images: URL) async throws -> String {
        let id = dub.id ?? 0
        var sides: [(label: String, audio: String, wave: String, spectrum: String)] = []
        for (label, hash) in [("Original", dub.sourceMediaHash), ("Dubbed", dub.resultMediaHash)] {
            guard let hash, store.media.contains(hash) else { continue }
            let name = "dub-\(id)-\(label.lowercased())"
            let stored = store.media.url(for: hash)
            _ = try await AudioExtractor.extractAudio(from: stored, to: media.appendingPathComponent("\(name).m4a"),
                                                      options: AudioExtractionOptions(format: .m4a))
            let pictures = try AudioPictures.draw(stored)
            try pictures.waveform.write(to: images.appendingPathComponent("\(name)-waveform.png"))
            try pictures.spectrogram.write(to: images.appendingPathComponent("\(name)-spectrogram.png"))
            sides.append((label, "media/\(name).m4a", "images/\(name)-waveform.png", "images/\(name)-spectrogram.png"))
        }
        let stages = try store.stageAttempts(dub: id).map { attempt in
            [attempt.stage.rawValue, String(attempt.attempt), attempt.outcome.rawValue, ReviewHTML.time(attempt.startedAt),
             attempt.finishedAt.map(ReviewHTML.time) ?? "-",
             attempt.finishedAt.map { String(format: "%.2f s", $0.timeIntervalSince(attempt.startedAt)) } ?? "-",
             attempt.errorCode.map { "\($0): \(attempt.errorMessage ?? "")" } ?? ""]
        }
        let facts: [(String, String)] = [
            ("Status", dub.status.rawValue), ("Voice", dub.voice), ("Provider", dub.providerID),
            ("Source", dub.shownSource), ("Pitch shift", "\(dub.pitchShift) semitones"), ("Parameters", dub.parameters.json),
            ("Credits", "\(dub.creditsUsed) used" + (dub.creditsRequired.map { ", \($0) required" } ?? "")),
            ("Input", dub.inputDurationMs.map { String(format: "%.1f s", Double($0) / 1000) } ?? "-"),
        ] + (dub.errorCode.map { [("Error", "\($0): \(dub.errorMessage ?? "")")] } ?? [])
        return ReviewHTML.dub(id: id, facts: facts, sides: sides, stages: stages)
    }

    private func datasetSection(_ dataset: Dataset) throws -> String {
        let rows = try store.files(of: dataset).map { file -> [String] in
            func figure(_ value: Double?, _ unit: String) -> String { value.map { String(format: "%.1f %@", $0, unit) } ?? "-" }
            return [file.originalName, String(format: "%.1f s", file.durationSeconds), "\(file.sampleRate) Hz",
                    figure(file.loudnessLUFS, "LUFS"), figure(file.peakDBFS, "dBFS"), file.clippedSamples.map(String.init) ?? "-",
                    file.speechShare.map { String(format: "%.0f%%", $0 * 100) } ?? "-", figure(file.snrDB, "dB"),
                    RecordingIssue.of(file).map(\.rawValue).joined(separator: ", ")]
        }
        return ReviewHTML.dataset(name: dataset.name, rows: rows)
    }
}
