// A child process for the store's crash and concurrency tests: it writes a project store in ways
// the tests then interrupt (kill -9) or run side by side with another copy of itself.
import DubKit
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("torture: \(message)\n".utf8))
    exit(1)
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 3 else { fail("usage: MODE WORKSPACE PROJECT [ARGS]") }
let (mode, workspace, project) = (args[0], Workspace(root: URL(fileURLWithPath: args[1])), args[2])

do {
    let store = try workspace.openProject(project)
    let walk: [DubStatus] = [.uploading, .uploaded, .preprocessing, .preprocessed, .queued, .starting,
                             .processing, .finalizing, .done]
    switch mode {
    case "write-many":
        // Creates COUNT dubs and walks each to `done`, every step its own transaction.
        guard args.count == 5, let count = Int(args[3]) else { fail("write-many WS P COUNT TAG") }
        for index in 0..<count {
            let dub = try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file,
                                              source: "\(args[4])-\(index).wav"))
            guard let id = dub.id else { fail("no id") }
            for status in walk { try store.transitionDub(id, to: status) }
        }
        say("done")
    case "hang-in-transaction":
        // Moves dub ID one step inside a transaction, then hangs before committing.
        guard args.count == 4, let id = Int64(args[3]) else { fail("hang-in-transaction WS P ID") }
        try store.write { db in
            let dub = try Dub.fetchOne(db, key: id)
            guard let next = dub?.status.successors.first else { fail("dub \(id) has no successor") }
            try Dub.transition(id, to: next, in: db)
            try db.execute(sql: "UPDATE dub SET credits_used = credits_used + 10 WHERE id = ?", arguments: [id])
            say("in-transaction")
            while true { sleep(60) }
        }
    case "churn":
        // Creates and walks dubs without end, until killed.
        var created = 0
        while true {
            let dub = try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "churn.wav"))
            guard let id = dub.id else { fail("no id") }
            for status in walk { try store.transitionDub(id, to: status) }
            created += 1
            if created == 3 { say("ready") }
        }
    default:
        fail("unknown mode \(mode)")
    }
} catch {
    fail(error.localizedDescription)
}
