import Foundation
import GRDB

/// A trained voice as a file, to move it between projects: the local engine's profile, or the
/// reference to a voice a remote provider keeps. It holds no key and no audio.
public struct VoiceExport: Sendable, Hashable, Codable {
    /// What every export file says it is.
    public static let formatName = "dubkit-voice"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    public var provider: String
    public var name: String
    public var providerVoiceID: String?
    public var languages: [String]
    public var genres: [String]
    public var styles: [String]
    public var datasetHash: String?
    public var modelData: JSONValue?
    public var project: String
    public var exportedAt: Date

    enum CodingKeys: String, CodingKey {
        case format, version, provider, name, providerVoiceID = "providerVoiceId", languages, genres, styles
        case datasetHash, modelData, project, exportedAt
    }

    /// The export of `voice`, which must be trained (`done`).
    public init(_ voice: Voice, project: String, now: Date = Date()) throws(DubKitError) {
        guard voice.status == .done else {
            throw .invalidField(field: "voice \(voice.reference) status", value: voice.status.rawValue,
                                allowed: "done (only a trained voice is exported)")
        }
        format = Self.formatName
        version = Self.currentVersion
        provider = voice.providerID
        name = voice.name
        providerVoiceID = voice.providerVoiceID
        languages = voice.languages
        genres = voice.genres
        styles = voice.styles
        datasetHash = voice.datasetHash
        modelData = voice.modelDataValue
        self.project = project
        exportedAt = now
    }

    /// Reads and checks an export file.
    public static func read(_ url: URL) throws(DubKitError) -> VoiceExport {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .mediaIO(path: url.path, reason: "cannot be read: \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        // JSON5 reads the NaN and Infinity other tools write (Python's json does), so the check of the
        // model can name the field that holds one instead of refusing the whole file as unreadable.
        decoder.allowsJSON5 = true
        struct Header: Decodable { var format: String? }
        guard (try? decoder.decode(Header.self, from: data))?.format == formatName else {
            throw .invalidField(field: url.path, value: "not a voice export", allowed: "a file written by `dubkit voice export`")
        }
        let export: VoiceExport
        do {
            export = try decoder.decode(VoiceExport.self, from: data)
        } catch let error as DecodingError {
            throw Self.unreadable(error, in: url)
        } catch {
            throw .invalidField(field: url.path, value: "not a voice export", allowed: "a file written by `dubkit voice export`")
        }
        guard export.version <= currentVersion else {
            throw .invalidField(field: "\(url.path) version", value: String(export.version),
                                allowed: "\(currentVersion) or lower (upgrade DubKit to import it)")
        }
        guard !export.provider.isEmpty, (1...100).contains(export.name.count) else {
            throw .invalidField(field: "\(url.path) provider/name", value: "\(export.provider):\(export.name)",
                                allowed: "a provider id and a name of 1 to 100 characters")
        }
        if export.provider != "local" && export.providerVoiceID == nil {
            throw .invalidField(field: "\(url.path) providerVoiceId", value: "none",
                                allowed: "the provider's id of the voice (a remote voice is a reference)")
        }
        return export
    }

    /// A field of an export file that cannot be read, named by its path in the file.
    static func unreadable(_ error: DecodingError, in url: URL) -> DubKitError {
        func name(_ path: [any CodingKey]) -> String {
            path.reduce("") { text, key in
                key.intValue.map { "\(text)[\($0)]" } ?? (text.isEmpty ? key.stringValue : "\(text).\(key.stringValue)")
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            return .invalidField(field: "\(url.path) \(name(context.codingPath + [key]))", value: "missing",
                                 allowed: "a value (every field `dubkit voice export` writes)")
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            guard !context.codingPath.isEmpty else {
                return .invalidField(field: url.path, value: "not JSON", allowed: "a file written by `dubkit voice export`")
            }
            return .invalidField(field: "\(url.path) \(name(context.codingPath))", value: "unreadable",
                                 allowed: "a value of the right type, numbers finite (\(context.debugDescription))")
        @unknown default:
            return .invalidField(field: url.path, value: "not a voice export", allowed: "a file written by `dubkit voice export`")
        }
    }

    /// Writes the file whole or not at all.
    public func write(to url: URL) throws(DubKitError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            try encoder.encode(self).write(to: url, options: .atomic)
        } catch {
            throw .mediaIO(path: url.path, reason: "cannot be written: \(error.localizedDescription)")
        }
    }
}

extension ProjectStore {
    /// Adds an exported voice to this project as trained, under `name` (default: its own name). With
    /// `checker` (the voice's provider, when it keeps models on this machine), a model it cannot use is
    /// refused, naming the field, before anything is stored.
    public func importVoice(_ export: VoiceExport, name: String? = nil, from file: String,
                            checkedBy checker: (any VoiceModelChecking)? = nil) throws(DubKitError) -> Voice {
        if let checker {
            do {
                try checker.checkVoiceModel(export.modelData, voice: "\(export.provider):\(export.name)")
            } catch {
                guard case let .invalidField(field, value, allowed) = error else { throw error }
                throw .invalidField(field: "\(file) \(field)", value: value, allowed: allowed)
            }
        }
        var voice = Voice(providerID: export.provider, name: name ?? export.name, providerVoiceID: export.providerVoiceID,
                          languages: export.languages, genres: export.genres, styles: export.styles)
        guard (1...100).contains(voice.name.count) else {
            throw .invalidField(field: "name", value: voice.name, allowed: "1 to 100 characters")
        }
        voice.status = .done
        voice.datasetHash = export.datasetHash
        voice.modelData = export.modelData.map(DubParameters.canonicalText)
        let imported = voice
        return try write { db in
            if try Voice.filter(Voice.Columns.providerID == imported.providerID && Voice.Columns.name == imported.name).fetchCount(db) > 0 {
                throw DubKitError.duplicate(entity: .voice, key: imported.reference, project: self.name)
            }
            var stored = imported
            try stored.insert(db)
            guard let id = stored.id else { throw DubKitError.storage(path: databaseURL.path, reason: "voice row has no id") }
            var event = Event(entity: .voice, entityID: id, kind: .created, toStatus: VoiceStatus.done.rawValue,
                              message: "voice \(stored.reference) imported from \(file) (project \(export.project))")
            try event.insert(db)
            return stored
        }
    }
}
