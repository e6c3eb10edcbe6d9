import DubKit
import DubKitTestSupport
import Foundation
import GRDB
import Testing

/// Every ordered pair of statuses, tagged with whether the table allows it.
private func pairs<S: LifecycleStatus>(_: S.Type, legal: Bool) -> [(S, S)] {
    S.allCases.flatMap { from in S.allCases.map { (from, $0) } }.filter { $0.0.canTransition(to: $0.1) == legal }
}

/// The statuses a dub passes through to reach `target` from `new` by the shortest legal path.
private func path<S: LifecycleStatus>(to target: S, from start: S) -> [S] {
    var previous: [S: S] = [:]
    var queue = [start]
    var seen: Set<S> = [start]
    while !queue.isEmpty {
        let current = queue.removeFirst()
        if current == target { break }
        for next in current.successors where !seen.contains(next) {
            seen.insert(next)
            previous[next] = current
            queue.append(next)
        }
    }
    var steps: [S] = []
    var cursor = target
    while cursor != start, let before = previous[cursor] {
        steps.insert(cursor, at: 0)
        cursor = before
    }
    return steps
}

@Suite("Lifecycles")
struct LifecycleTests {
    let dir: TemporaryDirectory
    let store: ProjectStore

    init() throws {
        dir = try TemporaryDirectory()
        store = try Workspace(root: dir.url).createProject("life")
    }

    func newDub() throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "a.wav"))
        return try #require(dub.id)
    }

    @Test("the tables cover every status and every status is reachable from new")
    func tablesAreComplete() {
        #expect(Set(DubStatus.transitions.keys) == Set(DubStatus.allCases))
        #expect(Set(VoiceStatus.transitions.keys) == Set(VoiceStatus.allCases))
        for status in DubStatus.allCases where status != .new {
            #expect(!path(to: status, from: DubStatus.new).isEmpty, "dub status \(status) unreachable")
        }
        for status in VoiceStatus.allCases where status != .new {
            #expect(!path(to: status, from: VoiceStatus.new).isEmpty, "voice status \(status) unreachable")
        }
        #expect(DubStatus.done.isFinal && DubStatus.cancelled.isFinal && VoiceStatus.done.isFinal)
        #expect(DubStatus.allCases.filter { !$0.isFinal }.allSatisfy { $0.canTransition(to: .error) || $0 == .error })
    }

    @Test("every legal dub transition succeeds and is logged", arguments: pairs(DubStatus.self, legal: true))
    func legalDubTransition(from: DubStatus, to: DubStatus) throws {
        let id = try newDub()
        for step in path(to: from, from: .new) {
            try store.transitionDub(id, to: step, failure: step == .error ? FailureInfo(code: "x", message: "y") : nil)
        }
        let dub = try store.transitionDub(id, to: to, failure: to == .error ? FailureInfo(code: "boom", message: "it broke") : nil)
        #expect(dub.status == to)
        if to == .error {
            #expect(dub.errorCode == "boom" && dub.errorMessage == "it broke")
        } else {
            #expect(dub.errorCode == nil)
        }
        let last = try #require(try store.events(of: .dub, id: id).last)
        #expect(last.kind == .transition && last.fromStatus == from.rawValue && last.toStatus == to.rawValue)
    }

    @Test("every illegal dub transition throws, names the dub and both statuses, and changes nothing",
          arguments: pairs(DubStatus.self, legal: false))
    func illegalDubTransition(from: DubStatus, to: DubStatus) throws {
        let id = try newDub()
        for step in path(to: from, from: .new) { try store.transitionDub(id, to: step) }
        let eventsBefore = try store.events(of: .dub, id: id).count
        #expect {
            try store.transitionDub(id, to: to)
        } throws: { error in
            guard case let .illegalTransition(entity, gotID, gotFrom, gotTo, _) = error as? DubKitError else { return false }
            let text = (error as? DubKitError)?.errorDescription ?? ""
            return entity == .dub && gotID == id && gotFrom == from.rawValue && gotTo == to.rawValue
                && text.contains("dub \(id)") && text.contains(from.rawValue) && text.contains(to.rawValue)
        }
        #expect(try store.dub(id).status == from)
        #expect(try store.events(of: .dub, id: id).count == eventsBefore)
    }

    @Test("every legal voice transition succeeds", arguments: pairs(VoiceStatus.self, legal: true))
    func legalVoiceTransition(from: VoiceStatus, to: VoiceStatus) throws {
        let voice = try store.createVoice(Voice(providerID: "local", name: "v-\(from)-\(to)"))
        let id = try #require(voice.id)
        for step in path(to: from, from: .new) { try store.transitionVoice(id, to: step) }
        #expect(try store.transitionVoice(id, to: to).status == to)
    }

    @Test("every illegal voice transition throws", arguments: pairs(VoiceStatus.self, legal: false))
    func illegalVoiceTransition(from: VoiceStatus, to: VoiceStatus) throws {
        let voice = try store.createVoice(Voice(providerID: "local", name: "v-\(from)-\(to)"))
        let id = try #require(voice.id)
        for step in path(to: from, from: .new) { try store.transitionVoice(id, to: step) }
        #expect(throws: DubKitError.self) { try store.transitionVoice(id, to: to) }
        #expect(try store.voices().first { $0.id == id }?.status == from)
    }

    @Test("a status written around the lifecycle, in raw SQL, is refused by the store itself")
    func triggerGuardsRawWrites() throws {
        let id = try newDub()
        #expect(throws: DubKitError.self) {
            try store.write { db in try db.execute(sql: "UPDATE dub SET status = 'done' WHERE id = ?", arguments: [id]) }
        }
        #expect(try store.dub(id).status == .new)
        // A legal step in raw SQL still passes the guard.
        try store.write { db in try db.execute(sql: "UPDATE dub SET status = 'uploading' WHERE id = ?", arguments: [id]) }
        #expect(try store.dub(id).status == .uploading)
    }

    @Test("the event log is append-only")
    func eventsAreAppendOnly() throws {
        _ = try newDub()
        #expect(throws: DubKitError.self) {
            try store.write { db in try db.execute(sql: "UPDATE event SET message = 'rewritten'") }
        }
        #expect(throws: DubKitError.self) {
            try store.write { db in try db.execute(sql: "DELETE FROM event") }
        }
        #expect(try store.events().count >= 2)
    }
}
