import DubKitMedia
import Foundation
import GRDB

extension ProjectStore {
    /// Creates an empty dataset; names are unique in a project.
    public func createDataset(named datasetName: String) throws(DubKitError) -> Dataset {
        let trimmed = datasetName.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count), trimmed == datasetName,
              !datasetName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalidField(field: "dataset name", value: datasetName.debugDescription,
                                allowed: "1 to 100 printable characters, no leading or trailing spaces")
        }
        return try write { db in
            if try Dataset.filter(Dataset.Columns.name == datasetName).fetchCount(db) > 0 {
                throw DubKitError.duplicate(entity: .dataset, key: datasetName, project: name)
            }
            var dataset = Dataset(name: datasetName)
            try dataset.insert(db)
            guard let id = dataset.id else { throw DubKitError.storage(path: databaseURL.path, reason: "dataset row has no id") }
            var event = Event(at: dataset.createdAt, entity: .dataset, entityID: id, kind: .created,
                              message: "dataset \(datasetName) created")
            try event.insert(db)
            return dataset
        }
    }

    /// Every dataset, by name.
    public func datasets() throws(DubKitError) -> [Dataset] {
        try read { db in try Dataset.order(Dataset.Columns.name).fetchAll(db) }
    }

    /// The dataset with this name, or `.notFound`.
    public func dataset(named datasetName: String) throws(DubKitError) -> Dataset {
        guard let dataset = try read({ db in try Dataset.filter(Dataset.Columns.name == datasetName).fetchOne(db) }) else {
            throw .notFound(entity: .dataset, key: datasetName, project: name)
        }
        return dataset
    }

    /// The dataset with this id, or `.notFound`.
    public func dataset(id: Int64) throws(DubKitError) -> Dataset {
        guard let dataset = try read({ db in try Dataset.fetchOne(db, key: id) }) else {
            throw .notFound(entity: .dataset, key: String(id), project: name)
        }
        return dataset
    }

    /// The files of a dataset, in the order they were added.
    public func files(of dataset: Dataset) throws(DubKitError) -> [DatasetFile] {
        try read { db in
            try DatasetFile.filter(DatasetFile.Columns.datasetID == dataset.id).order(DatasetFile.Columns.id).fetchAll(db)
        }
    }

    /// The dataset with this name, made empty first when the project has none.
    public func datasetCreatingIfMissing(named datasetName: String) throws(DubKitError) -> Dataset {
        if let existing = try datasets().first(where: { $0.name == datasetName }) { return existing }
        return try createDataset(named: datasetName)
    }

    /// Extracts the audio of each recording (a local audio or video file) into the media store, then
    /// adds them all to dataset `datasetName`, created when missing: a recording that cannot be read
    /// fails the call before the dataset is made or changed. The same audio twice is kept once.
    /// `progress` gives each recording's name a callback for its extraction (0...1), or nil.
    public func addRecordings(
        _ recordings: [(url: URL, name: String)], toDatasetNamed datasetName: String,
        progress: (String) -> (@Sendable (Double) -> Void)? = { _ in nil }
    ) async throws -> [DatasetAddition] {
        var imported: [(audio: StoredAudio, name: String)] = []
        for recording in recordings {
            imported.append((try await media.importAudio(from: recording.url, progress: progress(recording.name)), recording.name))
        }
        let dataset = try datasetCreatingIfMissing(named: datasetName)
        var present = Set(try files(of: dataset).map(\.mediaHash))
        var additions: [DatasetAddition] = []
        for (audio, name) in imported {
            let alreadyPresent = present.contains(audio.ref.hash)
            let added = try addFile(audio, to: dataset, originalName: name)
            present.insert(audio.ref.hash)
            additions.append(DatasetAddition(file: added.analysed ? added : try analyse(added), alreadyPresent: alreadyPresent))
        }
        return additions
    }

    /// Adds one recording to `dataset`, as ``addRecordings(_:toDatasetNamed:progress:)`` does.
    public func addRecording(_ file: URL, to dataset: Dataset, originalName: String? = nil,
                             progress: (@Sendable (Double) -> Void)? = nil) async throws -> DatasetFile {
        let additions = try await addRecordings([(file, originalName ?? file.lastPathComponent)], toDatasetNamed: dataset.name,
                                                progress: { _ in progress })
        guard let added = additions.first else { throw DubKitError.notFound(entity: .dataset, key: dataset.name, project: name) }
        return added.file
    }

    /// Measures a dataset file's stored audio (loudness, peak, clipping, speech share, SNR) and keeps the figures.
    @discardableResult
    public func analyse(_ file: DatasetFile) throws -> DatasetFile {
        let figures = try AudioAnalyzer.analyze(media.url(for: file.mediaHash))
        var measured = file
        measured.loudnessLUFS = figures.loudnessLUFS
        measured.peakDBFS = figures.peakDBFS
        measured.clippedSamples = figures.clippedSamples
        measured.speechShare = figures.speechShare
        measured.snrDB = figures.snrDB
        measured.analysed = true
        let result = measured
        try write { db in try result.update(db) }
        return result
    }

    /// Adds audio already imported into the media store to a dataset, with what its extraction measured.
    public func addFile(_ audio: StoredAudio, to dataset: Dataset, originalName: String) throws(DubKitError) -> DatasetFile {
        try addFile(audio.ref, to: dataset, originalName: originalName, durationSeconds: audio.durationSeconds,
                    sampleRate: audio.sampleRate, channels: audio.channels)
    }

    /// Adds a stored recording to a dataset; the same content twice is kept once (returns the existing row).
    public func addFile(_ ref: MediaRef, to dataset: Dataset, originalName: String, durationSeconds: Double,
                        sampleRate: Int, channels: Int) throws(DubKitError) -> DatasetFile {
        guard let datasetID = dataset.id else { throw .notFound(entity: .dataset, key: dataset.name, project: name) }
        return try write { db in
            if let existing = try DatasetFile
                .filter(DatasetFile.Columns.datasetID == datasetID && DatasetFile.Columns.mediaHash == ref.hash).fetchOne(db) {
                return existing
            }
            try MediaStore.register(ref, in: db)
            var file = DatasetFile(datasetID: datasetID, mediaHash: ref.hash, originalName: originalName,
                                   durationSeconds: durationSeconds, sampleRate: sampleRate, channels: channels)
            try file.insert(db)
            var event = Event(entity: .dataset, entityID: datasetID, kind: .note, message: "added \(originalName)")
            try event.insert(db)
            return file
        }
    }
}
