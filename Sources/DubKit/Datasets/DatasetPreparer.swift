import DubKitMedia
import Foundation

/// Makes a provider-ready copy of a dataset, leaving the original alone: long pauses shortened,
/// long recordings split at pauses, loudness normalised, 16-bit mono WAV, and the pieces merged or
/// dropped to fit the provider's file count and training minutes.
public struct DatasetPreparer: Sendable {
    /// How the copy is made.
    public struct Options: Sendable {
        public var targetLoudness = -20.0
        /// Peaks stay below this (dBFS) even when that leaves a piece quieter than the target.
        public var peakCeiling = -1.0
        /// Pauses are shortened to this (seconds).
        public var keptPause = 0.3
        /// Longest piece (seconds); longer recordings are split at pauses.
        public var maxFileSeconds = 300.0
        public var sampleRate = 44_100

        public init() {}
    }

    /// The prepared dataset, its files, and what was dropped or merged.
    public struct Result: Sendable, Encodable {
        public var dataset: Dataset
        public var files: [DatasetFile]
        public var notes: [String]
    }

    public let store: ProjectStore
    public let descriptor: ProviderDescriptor
    public let trainingMinutes: Int?
    public let options: Options

    public init(store: ProjectStore, descriptor: ProviderDescriptor, trainingMinutes: Int? = nil, options: Options = Options()) {
        self.store = store
        self.descriptor = descriptor
        self.trainingMinutes = trainingMinutes
        self.options = options
    }

    private struct Piece {
        var url: URL
        var name: String
        var seconds: Double
    }

    /// Prepares `source` into a new dataset `name`; throws `.duplicate` when `name` exists.
    public func prepare(_ source: Dataset, into name: String, report: @Sendable (String) -> Void = { _ in }) throws -> Result {
        if try store.datasets().contains(where: { $0.name == name }) {
            throw DubKitError.duplicate(entity: .dataset, key: name, project: store.name)
        }
        let sourceFiles = try store.files(of: source)
        guard !sourceFiles.isEmpty else {
            throw DubKitError.invalidField(field: "dataset \(source.name)", value: "no files",
                                           allowed: "a dataset with recordings (`dubkit dataset add` first)")
        }
        let incoming = store.media.folder.appendingPathComponent(".incoming", isDirectory: true)
        try? FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        var pieces: [Piece] = []
        var notes: [String] = []
        defer { for piece in pieces { try? FileManager.default.removeItem(at: piece.url) } }
        var longest = options.maxFileSeconds
        while true {
            for file in sourceFiles {
                report("preparing \(file.originalName)")
                let made = try split(file, into: incoming, longest: longest)
                if made.isEmpty { notes.append("\(file.originalName): no speech; left out") }
                pieces += made
            }
            // Too few pieces for the provider: cut shorter ones, once, so each holds a fair share.
            let fewest = descriptor.limits.datasetFiles?.lowerBound ?? 1
            let total = pieces.map(\.seconds).reduce(0, +)
            guard pieces.count < fewest, longest == options.maxFileSeconds, total > 0 else { break }
            notes.append("\(pieces.count) pieces are fewer than \(descriptor.id)'s \(fewest) files: cut into pieces of at most \(Int(total / Double(fewest))) s")
            for piece in pieces { try? FileManager.default.removeItem(at: piece.url) }
            pieces = []
            notes.removeAll { $0.hasSuffix("no speech; left out") }
            longest = max(5, total / Double(fewest) * 0.95)
        }
        pieces = try fit(pieces, into: incoming, notes: &notes)
        guard !pieces.isEmpty else {
            throw DubKitError.invalidField(field: "dataset \(source.name)", value: "no speech", allowed: "recordings with speech")
        }
        let dataset = try store.createDataset(named: name)
        var files: [DatasetFile] = []
        for piece in pieces {
            let ref = try store.media.put(contentsOf: piece.url)
            let added = try store.addFile(ref, to: dataset, originalName: piece.name, durationSeconds: piece.seconds,
                                          sampleRate: options.sampleRate, channels: 1)
            // Identical pieces (a recording repeated) are stored once.
            if !files.contains(where: { $0.id == added.id }) { files.append(try store.analyse(added)) }
        }
        return Result(dataset: dataset, files: files, notes: notes)
    }

    /// The file's speech as normalised pieces of at most `longest` seconds written to `folder`, each
    /// written as soon as it is cut: at most one piece is held in memory.
    private func split(_ file: DatasetFile, into folder: URL, longest: Double) throws -> [Piece] {
        let url = store.media.url(for: file.mediaHash)
        let levels = try AudioAnalyzer.frameLevels(url, sampleRate: options.sampleRate)
        let threshold = Float(AudioAnalyzer.speechThreshold(levels))
        guard levels.contains(where: { $0 > threshold }) else { return [] }
        let reader = try AudioSampleReader(url, sampleRate: options.sampleRate)
        var trimmer = PauseTrimmer(sampleRate: options.sampleRate, keptPauseSeconds: options.keptPause,
                                   maxPieceSeconds: longest)
        let frameLength = options.sampleRate / 50
        var frame: [Float] = []
        frame.reserveCapacity(frameLength)
        var index = 0
        var written: [Piece] = []
        func keep(_ cut: [[Float]]) throws {
            for samples in cut {
                if let piece = try write([samples], name: "part\(written.count + 1)", into: folder) { written.append(piece) }
            }
        }
        while true {
            let planes = try reader.read()
            let count = planes.first?.count ?? 0
            if count == 0 { break }
            for position in 0..<count {
                var mono: Float = 0
                for plane in planes { mono += plane[position] }
                frame.append(mono / Float(planes.count))
                if frame.count == frameLength {
                    let speech = index < levels.count && levels[index] > threshold
                    try keep(trimmer.add(frame, speech: speech))
                    frame.removeAll(keepingCapacity: true)
                    index += 1
                }
            }
        }
        try keep(trimmer.finish())
        let stem = (file.originalName as NSString).deletingPathExtension
        return written.enumerated().map { number, piece in
            var named = piece
            named.name = written.count == 1 ? "\(stem).wav" : "\(stem)-part\(number + 1).wav"
            return named
        }
    }

    /// Writes the pieces one after another (with a kept pause between) at the target loudness.
    private func write(_ parts: [[Float]], name: String, into folder: URL) throws -> Piece? {
        let gap = [Float](repeating: 0, count: Int(options.keptPause * Double(options.sampleRate)))
        let joined = parts.enumerated().flatMap { $0.offset == 0 ? $0.element : gap + $0.element }
        var meter = LoudnessMeter(sampleRate: options.sampleRate, channels: 1)
        meter.add([joined])
        guard let loudness = meter.integratedLoudness else { return nil }
        let peak = joined.map(abs).max() ?? 0
        let gain = min(pow(10, (options.targetLoudness - loudness) / 20), pow(10, options.peakCeiling / 20) / Double(max(peak, 1e-9)))
        let url = folder.appendingPathComponent(OwnedTemporary.name("prepare", suffix: ".wav"))
        let writer = try PCMWAVWriter(url, sampleRate: options.sampleRate)
        try writer.write(joined.map { $0 * Float(gain) })
        return Piece(url: url, name: name, seconds: try writer.finish())
    }

    /// Drops pieces past the training minutes and merges neighbours down to the provider's file count.
    private func fit(_ pieces: [Piece], into folder: URL, notes: inout [String]) throws -> [Piece] {
        var kept = pieces
        let limits = descriptor.limits
        if let range = limits.trainingMinutes {
            let seconds = Double((trainingMinutes ?? limits.defaultTrainingMinutes ?? range.upperBound) * 60)
            var total = 0.0
            var fitting: [Piece] = []
            for piece in kept {
                // Each piece may bring a kept pause when merged.
                if total + piece.seconds + options.keptPause <= seconds {
                    fitting.append(piece)
                    total += piece.seconds + options.keptPause
                } else {
                    notes.append("\(piece.name): left out, past the \(Int(seconds / 60)) training minutes")
                    try? FileManager.default.removeItem(at: piece.url)
                }
            }
            kept = fitting
        }
        guard let most = limits.datasetFiles?.upperBound, kept.count > most, most > 0 else { return kept }
        let total = kept.map(\.seconds).reduce(0, +)
        var groups: [[Piece]] = [[]]
        var filled = 0.0
        for (index, piece) in kept.enumerated() {
            let remainingPieces = kept.count - index
            let remainingGroups = most - groups.count
            if !groups[groups.count - 1].isEmpty && remainingGroups > 0
                && (filled >= total / Double(most) || remainingPieces <= remainingGroups) {
                groups.append([])
                filled = 0
            }
            groups[groups.count - 1].append(piece)
            filled += piece.seconds
        }
        notes.append("\(kept.count) pieces merged into \(groups.count) files for \(descriptor.id)")
        var merged: [Piece] = []
        for (number, group) in groups.enumerated() {
            merged.append(try concatenate(group, name: "merged-\(number + 1).wav", into: folder))
            for piece in group { try? FileManager.default.removeItem(at: piece.url) }
        }
        return merged
    }

    /// The pieces one after another with a kept pause between, streamed block by block. Each piece is
    /// already at the target loudness with its peaks under the ceiling, so the whole is too.
    private func concatenate(_ group: [Piece], name: String, into folder: URL) throws -> Piece {
        let url = folder.appendingPathComponent(OwnedTemporary.name("prepare", suffix: ".wav"))
        let writer = try PCMWAVWriter(url, sampleRate: options.sampleRate)
        let gap = [Float](repeating: 0, count: Int(options.keptPause * Double(options.sampleRate)))
        for (index, piece) in group.enumerated() {
            if index > 0 { try writer.write(gap) }
            let reader = try AudioSampleReader(piece.url)
            while true {
                let block = try reader.read().first ?? []
                if block.isEmpty { break }
                try writer.write(block)
            }
        }
        return Piece(url: url, name: name, seconds: try writer.finish())
    }
}
