import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("Password file (~/.pgpass)")
struct PasswordFileTests {
    private func file(_ text: String, mode: mode_t = 0o600) throws -> (TemporaryDirectory, PasswordFile) {
        let dir = try TemporaryDirectory()
        let path = dir.path("pgpass")
        try Data(text.utf8).write(to: path)
        chmod(path.path, mode)
        return (dir, PasswordFile(environment: ["PGPASSFILE": path.path]))
    }

    @Test("the first line matching host, port, database and user wins; '*' matches anything; comments and short lines are skipped")
    func matching() throws {
        let (dir, passwords) = try file("""
            # comment:with:colons:and:more
            db1:5432:studio:fleet:first
            short:line
            db1:*:studio:fleet:second
            *:*:*:fleet:any-host
            *:*:*:*:last-resort
            """)
        _ = dir
        #expect(try passwords.password(host: "db1", port: 5432, database: "studio", user: "fleet") == "first")
        #expect(try passwords.password(host: "db1", port: 6000, database: "studio", user: "fleet") == "second")
        #expect(try passwords.password(host: "db2", port: 5432, database: "other", user: "fleet") == "any-host")
        #expect(try passwords.password(host: "db2", port: 5432, database: "other", user: "someone") == "last-resort")
    }

    @Test("'\\:' and '\\\\' stand for ':' and '\\' in any field; an escaped '*' is a literal star, not a wildcard")
    func escapes() throws {
        let (dir, passwords) = try file("""
            fe80\\:\\:1:5432:d:u:v6-host
            h:5432:d:\\*:literal-star-user
            h:5432:d\\\\x:u:pa\\:ss\\\\word:ignored-after
            """)
        _ = dir
        #expect(try passwords.password(host: "fe80::1", port: 5432, database: "d", user: "u") == "v6-host")
        #expect(try passwords.password(host: "h", port: 5432, database: "d", user: "*") == "literal-star-user")
        #expect(try passwords.password(host: "h", port: 5432, database: "d", user: "other") == nil)
        #expect(try passwords.password(host: "h", port: 5432, database: "d\\x", user: "u") == "pa:ss\\word")
    }

    @Test("a file others may read is refused, naming it and the chmod that fixes it; a missing file is no password")
    func permissions() throws {
        let (dir, open) = try file("*:*:*:*:secret-in-open-file\n", mode: 0o644)
        _ = dir
        do {
            _ = try open.password(host: "h", port: 1, database: "d", user: "u")
            Issue.record("a world-readable password file was used")
        } catch {
            #expect(error == .passwordFileOpen(path: open.path.path, mode: "644"))
            #expect(error.recoverySuggestion?.contains("chmod 600") == true)
            #expect(!(error.errorDescription ?? "").contains("secret-in-open-file"))
        }
        let missing = PasswordFile(environment: [:], home: URL(fileURLWithPath: "/nonexistent-home"))
        #expect(missing.path.path == "/nonexistent-home/.pgpass")
        #expect(try missing.password(host: "h", port: 1, database: "d", user: "u") == nil)
    }
}
