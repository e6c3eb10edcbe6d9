import DubKit
import DubKitProviderKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("adapter job folders")
struct JobFolderTests {
    struct Job: JobRecord, Equatable {
        var id: String
        var step: Int
    }

    struct Failure: Error, Equatable {
        var cause: JobFolderError
    }

    @Test("records survive a new folder value; missing, damaged and bad ids come as the adapter's errors")
    func roundTripAndFailures() throws {
        let dir = try TemporaryDirectory()
        let folder = JobFolder<Job, Failure>(dir.path("state")) { Failure(cause: $0) }
        try folder.save(Job(id: "a-1", step: 2))
        try folder.save(Job(id: "b_2", step: 3))
        // A later run (another value over the same folder) finds them.
        let later = JobFolder<Job, Failure>(dir.path("state")) { Failure(cause: $0) }
        #expect(try later.load("a-1") == Job(id: "a-1", step: 2))
        #expect(later.all().sorted { $0.id < $1.id } == [Job(id: "a-1", step: 2), Job(id: "b_2", step: 3)])

        #expect(throws: Failure(cause: .missing(path: later.url("nope").path))) { try later.load("nope") }
        for bad in ["", "../etc/passwd", "a/b", "ü", String(repeating: "x", count: 129)] {
            #expect(throws: Failure(cause: .invalidID(bad))) { try later.load(bad) }
        }
        try Data("{not json".utf8).write(to: later.url("broken"))
        #expect {
            try later.load("broken")
        } throws: { error in
            guard case .unreadable(let path, _)? = (error as? Failure)?.cause else { return false }
            return path == later.url("broken").path
        }
        // A damaged file is left out of the listing rather than failing it.
        #expect(later.all().count == 2)
    }
}
