import DubKit
import Foundation

/// A record an adapter keeps in a ``JobFolder``, named by its id.
public protocol JobRecord: Codable, Sendable {
    /// The record's name in its folder: letters, digits, `-` and `_`, at most 128 characters.
    var id: String { get }
}

/// Why a ``JobFolder`` could not read or write a record; `detail` says it in words.
public enum JobFolderError: Error, Sendable, Equatable {
    /// An id the folder never makes (empty, too long, or with other characters than letters, digits, `-`, `_`).
    case invalidID(String)
    /// No record with that id: it was made in another workspace, or the state folder was removed.
    case missing(path: String)
    /// The record's file is not a record (damaged, or from another version).
    case unreadable(path: String, detail: String)
    /// The record could not be written (permissions, disk full).
    case unwritable(path: String, detail: String)

    /// The file concerned, when there is one.
    public var path: String? {
        switch self {
        case .invalidID: nil
        case let .missing(path), let .unreadable(path, _), let .unwritable(path, _): path
        }
    }

    /// What went wrong, in words.
    public var detail: String {
        switch self {
        case let .invalidID(id): "\(id.debugDescription) is not an id this adapter makes"
        case .missing: "no such job; it was made in another workspace or its state folder was removed"
        case let .unreadable(_, detail): "unreadable (\(detail))"
        case let .unwritable(_, detail): "cannot be written (\(detail))"
        }
    }
}

/// The records an adapter keeps between steps and between runs, one JSON file each in a folder
/// that outlives the process (`<id>.json`, a record's own files under `<id>/`), so a later run picks
/// up the jobs an earlier one started. Writes are atomic; errors come as the adapter's own type.
public struct JobFolder<Record: JobRecord, Failure: Error>: Sendable {
    /// The folder.
    public let folder: URL
    private let failure: @Sendable (JobFolderError) -> Failure

    /// The records in `folder`, with `failure` turning the folder's errors into the adapter's.
    public init(_ folder: URL, failure: @escaping @Sendable (JobFolderError) -> Failure) {
        self.folder = folder
        self.failure = failure
    }

    /// The record's file.
    public func url(_ id: String) -> URL { folder.appendingPathComponent("\(id).json") }

    /// The folder for the record's own files (staged input, result).
    public func files(_ id: String) -> URL { folder.appendingPathComponent(id, isDirectory: true) }

    /// The record `id`.
    public func load(_ id: String) throws(Failure) -> Record {
        guard Self.isValid(id) else { throw failure(.invalidID(id)) }
        let file = url(id)
        guard let data = try? Data(contentsOf: file) else { throw failure(.missing(path: file.path)) }
        do {
            return try JSONDecoder().decode(Record.self, from: data)
        } catch {
            throw failure(.unreadable(path: file.path, detail: error.localizedDescription))
        }
    }

    /// Writes `record` under its id, replacing the file in one step.
    public func save(_ record: Record) throws(Failure) {
        guard Self.isValid(record.id) else { throw failure(.invalidID(record.id)) }
        let file = url(record.id)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(record).write(to: file, options: .atomic)
        } catch {
            throw failure(.unwritable(path: file.path, detail: error.localizedDescription))
        }
    }

    /// Removes the record `id` and its own files; nothing happens when they are already gone.
    public func remove(_ id: String) {
        guard Self.isValid(id) else { return }
        try? FileManager.default.removeItem(at: files(id))
        try? FileManager.default.removeItem(at: url(id))
    }

    /// Every record the folder holds that can be read.
    public func all() -> [Record] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name))).flatMap { try? JSONDecoder().decode(Record.self, from: $0) }
        }
    }

    static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

extension JobFolder where Failure: AdapterError {
    /// The records in `folder`, with the folder's failures as the adapter's: an id it never makes as an
    /// invalid value, a record gone or unreadable as job state saying to start a new job.
    public init(_ folder: URL) {
        self.init(folder) { error in
            guard let path = error.path else {
                return .invalidValue(field: "job id", value: error.detail, allowed: "an id made by this adapter")
            }
            return .jobState(path: path, detail: error.detail + "; run `dubkit dub retry` to start a new job")
        }
    }
}
