import Foundation
import GRDB

/// One project's store: its SQLite database (WAL, foreign keys, migrations) and its media folder.
///
/// Safe to share between tasks and threads; several processes may write the same project at once
/// (writers wait for each other up to ``busyTimeout``).
public final class ProjectStore: Sendable {
    /// The database file's name inside a project folder.
    public static let databaseName = "project.sqlite"
    /// How long a writer waits for another process's write to finish.
    public static let busyTimeout: TimeInterval = 30

    /// The project folder.
    public let folder: URL
    /// The project's name (its folder's name).
    public let name: String
    /// The content-addressed media files of the project.
    public let media: MediaStore
    let pool: DatabasePool
    /// The claim every write of this store is conditional on (see ``fenced(by:)``); nil for a plain store.
    public let claim: Claim?

    /// The database file.
    public var databaseURL: URL { folder.appendingPathComponent(Self.databaseName) }
    /// Where exported files go by default.
    public var exportsFolder: URL { folder.appendingPathComponent("exports", isDirectory: true) }

    private init(folder: URL, name: String, pool: DatabasePool, media: MediaStore? = nil, claim: Claim? = nil) {
        self.folder = folder
        self.name = name
        self.pool = pool
        self.media = media ?? MediaStore(folder: folder.appendingPathComponent("media", isDirectory: true))
        self.claim = claim
    }

    /// The same store, with every write made conditional on `claim`: a write whose claim was taken
    /// over (its fence raised by a later claim) is refused with ``DubKitError/claimLost(entity:id:fence:holder:)``,
    /// and every accepted write renews the claim's lease.
    public func fenced(by claim: Claim) -> ProjectStore {
        ProjectStore(folder: folder, name: name, pool: pool, media: media, claim: claim)
    }

    /// The same store with no claim: its writes are not conditional.
    public var unfenced: ProjectStore {
        claim == nil ? self : ProjectStore(folder: folder, name: name, pool: pool, media: media)
    }

    /// Opens an existing project folder, applying any migrations this build has and the store lacks.
    public static func open(folder: URL, name: String) throws(DubKitError) -> ProjectStore {
        let path = folder.appendingPathComponent(databaseName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .notAProject(path: folder.path)
        }
        let store = try connect(folder: folder, name: name, creating: false)
        // What killed processes left half-written in media/.incoming goes; live processes' files stay.
        store.media.sweepIncoming()
        return store
    }

    /// Creates the store inside an empty, freshly made project folder.
    static func create(folder: URL, name: String, now: Date = Date()) throws(DubKitError) -> ProjectStore {
        for sub in ["media", "exports"] {
            do {
                try FileManager.default.createDirectory(
                    at: folder.appendingPathComponent(sub, isDirectory: true), withIntermediateDirectories: true)
            } catch {
                throw .workspaceUnavailable(path: folder.path, reason: error.localizedDescription)
            }
        }
        let store = try connect(folder: folder, name: name, creating: true)
        try store.write { db in
            try ProjectInfo(name: name, createdAt: now).insert(db)
            var event = Event(at: now, entity: .project, entityID: 1, kind: .created, message: "project \(name) created")
            try event.insert(db)
        }
        return store
    }

    private static func connect(folder: URL, name: String, creating: Bool) throws(DubKitError) -> ProjectStore {
        let path = folder.appendingPathComponent(databaseName).path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "dubkit.\(name)"
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try FileLock.withExclusiveLock(at: folder.appendingPathComponent(".migrate.lock")) {
                let migrator = StoreSchema.migrator
                let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
                if superseded {
                    let known = Set(migrator.migrations)
                    let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
                    throw DubKitError.storeTooNew(path: path, unknownMigrations: applied.subtracting(known).sorted())
                }
                try migrator.migrate(pool)
                try StoreSchema.syncTransitionTable(pool)
            }
            if !creating {
                guard try pool.read({ db in try ProjectInfo.fetchOne(db) }) != nil else {
                    throw DubKitError.notAProject(path: folder.path)
                }
            }
            return ProjectStore(folder: folder, name: name, pool: pool)
        } catch let error as DubKitError {
            throw error
        } catch {
            throw .storage(path: path, reason: Self.describe(error))
        }
    }

    /// Reads in a consistent snapshot; errors other than ``DubKitError`` become `.storage`.
    public func read<T>(_ body: (Database) throws -> T) throws(DubKitError) -> T {
        do {
            return try pool.read(body)
        } catch let error as DubKitError {
            throw error
        } catch {
            throw .storage(path: databaseURL.path, reason: Self.describe(error))
        }
    }

    /// Runs `body`, a single statement (atomic by itself), outside an explicit transaction: for the
    /// engine's reads of one row at every step, where BEGIN and COMMIT cost as much as the read.
    func readStatement<T>(_ body: (Database) throws -> T) throws(DubKitError) -> T {
        do {
            return try pool.unsafeRead(body)
        } catch let error as DubKitError {
            throw error
        } catch {
            throw .storage(path: databaseURL.path, reason: Self.describe(error))
        }
    }

    /// Runs `body` in one immediate write transaction: all of it is stored, or none of it.
    public func write<T>(_ body: (Database) throws -> T) throws(DubKitError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                // What GRDB's `write` does (BEGIN IMMEDIATE, the body, COMMIT, a rollback on any
                // error), with BEGIN and COMMIT as cached statements: GRDB prepared both anew for
                // every transaction, and the engine writes ten-odd of them a dub.
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    if let claim { try Self.confirm(claim, in: db) }
                    let value = try body(db)
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                    return value
                } catch {
                    try? db.rollback()
                    throw error
                }
            }
        } catch let error as DubKitError {
            throw error
        } catch {
            throw .storage(path: databaseURL.path, reason: Self.describe(error))
        }
    }

    /// The project's own row.
    public func info() throws(DubKitError) -> ProjectInfo {
        try read { db in
            guard let info = try ProjectInfo.fetchOne(db) else { throw DubKitError.notAProject(path: folder.path) }
            return info
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? error.description
        }
        return String(describing: error)
    }
}
