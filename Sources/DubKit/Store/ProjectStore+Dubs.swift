import Foundation
import GRDB

extension ProjectStore {
    /// Stores a new dub (status `new`) and logs its creation; returns it with its id.
    public func createDub(_ dub: Dub) throws(DubKitError) -> Dub {
        try write { db in try Self.insertDub(dub, in: db, path: databaseURL.path) }
    }

    /// Inserts `dub` and its `created` event inside the caller's transaction.
    static func insertDub(_ dub: Dub, in db: Database, path: String) throws -> Dub {
        var dub = dub
        try dub.insert(db)
        guard let id = dub.id else { throw DubKitError.storage(path: path, reason: "dub row has no id") }
        var event = Event(at: dub.createdAt, entity: .dub, entityID: id, kind: .created,
                          toStatus: dub.status.rawValue, message: "\(dub.voice) from \(dub.shownSource)")
        try event.insert(db)
        return dub
    }

    /// The dub with this id, or `.notFound`; `.damagedRecord` naming the field when its row cannot be read.
    public func dub(_ id: Int64) throws(DubKitError) -> Dub {
        let found: Dub?
        do {
            found = try readStatement { db in try Self.fetchDub(id, in: db) }
        } catch {
            // Read again as a row, to say which field of which dub is damaged (the engine's hot path
            // above reads the dub directly).
            let row = try? readStatement { db in try Row.fetchOne(db, sql: "SELECT * FROM dub WHERE id = ?", arguments: [id]) }
            if let row, case let .failure(damage) = DamagedRecord.reading(row, as: .dub, Dub.init(row:)) {
                throw damage.error(project: name)
            }
            throw error
        }
        guard let dub = found else {
            throw .notFound(entity: .dub, key: String(id), project: name)
        }
        return dub
    }

    /// The dub with this id inside the caller's transaction (a cached statement: the engine reads a
    /// dub at every step).
    static func fetchDub(_ id: Int64, in db: Database) throws -> Dub? {
        try Dub.fetchOne(db.cachedStatement(sql: "SELECT * FROM dub WHERE id = ?"), arguments: [id])
    }

    /// Every dub, oldest first, optionally only those in one status; the chunks of long dubs only
    /// when `chunks` is true (they are run, retried and listed through the dub they are part of). Rows
    /// that cannot be read as dubs are left out: ``dubListing(status:chunks:)`` gives them too.
    public func dubs(status: DubStatus? = nil, chunks: Bool = false) throws(DubKitError) -> [Dub] {
        try dubListing(status: status, chunks: chunks).dubs
    }

    /// The dubs ``dubs(status:chunks:)`` lists and, apart, the rows that cannot be read as dubs (a status
    /// this build does not know, a value written by hand), each naming its id and field: a damaged row
    /// is listed and reported as such, and never stops the listing or the others' work.
    public func dubListing(status: DubStatus? = nil, chunks: Bool = false) throws(DubKitError) -> (dubs: [Dub], damaged: [DamagedRecord]) {
        try read { db in
            var request = Dub.order(Dub.Columns.id)
            if let status { request = request.filter(Dub.Columns.status == status.rawValue) }
            if !chunks { request = request.filter(Dub.Columns.parentID == nil) }
            let (dubs, damaged) = try DamagedRecord.readAll(request, in: db, as: .dub, Dub.init(row:))
            return (dubs, damaged)
        }
    }

    /// Moves a dub through its lifecycle in its own transaction; returns the updated dub. `change`
    /// (non-status fields, as in ``updateDub(_:registering:_:)``) is applied first, in the same transaction.
    @discardableResult
    public func transitionDub(_ id: Int64, to next: DubStatus, failure: FailureInfo? = nil,
                              message: String? = nil, updating change: ((inout Dub) -> Void)? = nil) throws(DubKitError) -> Dub {
        try write { db in
            if let change { try changeDub(id, in: db, change) }
            try Dub.transition(id, to: next, failure: failure, message: message, in: db)
            guard let dub = try Self.fetchDub(id, in: db) else {
                throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
            }
            return dub
        }
    }

    /// ``transitionDub(_:to:failure:message:updating:)``, and in the same transaction the start of the
    /// stage the new status leads to (a job found done, and its download): one transaction where the
    /// engine wrote two. Returns the dub as left and the new attempt.
    func transitionDub(_ id: Int64, to next: DubStatus, updating change: ((inout Dub) -> Void)? = nil,
                       beginning start: StageStart) throws(DubKitError) -> (dub: Dub, begun: StageAttempt) {
        try write { db in
            if let change { try changeDub(id, in: db, change) }
            try Dub.transition(id, to: next, in: db)
            let begun = try Self.beginStage(start, dub: id, in: db)
            guard let dub = try Self.fetchDub(id, in: db) else {
                throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
            }
            return (dub, begun)
        }
    }

    /// The stage attempts of a dub, in the order they started.
    public func stageAttempts(dub id: Int64) throws(DubKitError) -> [StageAttempt] {
        try read { db in
            try StageAttempt.filter(StageAttempt.Columns.dubID == id).order(StageAttempt.Columns.id).fetchAll(db)
        }
    }
}
