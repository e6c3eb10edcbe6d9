import DubKit
import DubKitTestSupport
import Foundation
import GRDB
import Testing

/// `ProjectStore.write` runs its own BEGIN IMMEDIATE / COMMIT; a failed write must store none of it.
@Suite("Store writes")
struct StoreWriteTests {
    struct Stop: Error {}

    @Test("a write whose body throws, or whose statement fails, stores nothing; the next write goes through")
    func allOrNothing() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("atomic")
        let first = try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "a.wav"))
        let id = try #require(first.id)
        let events = try store.events(of: .dub, id: id).count
        #expect(throws: DubKitError.self) {
            try store.write { db in
                try Dub.transition(id, to: .uploading, in: db)
                var other = try Dub(providerID: "local", voiceRef: "other", sourceKind: .file, source: "b.wav")
                try other.insert(db)
                throw Stop()
            }
        }
        // A trigger refuses the second statement: the first one is undone with it.
        #expect(throws: (any Error).self) {
            try store.write { db in
                try db.execute(sql: "UPDATE dub SET provider_job_id = 'x' WHERE id = ?", arguments: [id])
                try db.execute(sql: "UPDATE dub SET status = 'done' WHERE id = ?", arguments: [id])
            }
        }
        let unchanged = try store.dub(id)
        #expect(unchanged.status == .new && unchanged.providerJobID == nil)
        #expect(try store.dubs().count == 1)
        #expect(try store.events(of: .dub, id: id).count == events)
        try store.transitionDub(id, to: .uploading)
        #expect(try store.dub(id).status == .uploading)
    }
}
