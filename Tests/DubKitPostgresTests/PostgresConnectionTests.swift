import DubKit
import DubKitPostgres
import DubKitTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Connecting to PostgreSQL", .serialized)
struct PostgresConnectionTests {
    /// The test URL split into its password and the URL without it.
    private static func parts() throws -> (password: String, bare: String) {
        let url = try TestPostgres.url()
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"),
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else {
            throw TestPostgres.Missing()
        }
        return (String(url[url.index(after: colon)..<at]), String(url[..<colon]) + String(url[at...]))
    }

    /// Whether the connection `address` makes is encrypted, as the server sees it.
    private static func encrypted(_ address: PostgresAddress) async throws -> Bool {
        try await PostgresStore.withStore(address, schema: "public", maximumConnections: 1) { store in
            let rows = try await store.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", stage: "test")
            return try #require(rows.first).decode(Bool.self)
        }
    }

    /// The role the server logged `address` in as.
    private static func currentUser(_ address: PostgresAddress) async throws -> String {
        try await PostgresStore.withStore(address, schema: "public", maximumConnections: 1) { store in
            try #require(try await store.query("SELECT current_user::text", stage: "test").first).decode(String.self)
        }
    }

    @Test("the password is read from PGPASSWORD when the URL has none")
    func passwordFromEnvironment() async throws {
        let (password, bare) = try Self.parts()
        let address = try PostgresAddress.parse(bare, field: "--store", environment: ["PGPASSWORD": password],
                                                home: URL(fileURLWithPath: "/nonexistent"))
        #expect(address.passwordSource == .environment)
        #expect(try await Self.currentUser(address) == address.user)
    }

    @Test("the password is read from the first matching line of a 0600 password file")
    func passwordFromFile() async throws {
        let (password, bare) = try Self.parts()
        let address = try PostgresAddress.parse(bare, field: "--store", environment: [:], home: URL(fileURLWithPath: "/nonexistent"))
        let dir = try TemporaryDirectory()
        let file = dir.path("pgpass")
        let text = """
            # other servers first
            db.example.com:*:*:*:not-this-one
            127.0.0.1:\(address.port + 1):*:\(address.user):nor-this-one
            127.0.0.1:\(address.port):*:\(address.user):\(password)
            *:*:*:*:too-late
            """
        try Data(text.utf8).write(to: file)
        chmod(file.path, 0o600)
        let fromFile = try PostgresAddress.parse(bare, field: "--store", environment: ["PGPASSFILE": file.path],
                                                 home: URL(fileURLWithPath: "/nonexistent"))
        #expect(fromFile.passwordSource == .passwordFile(path: file.path))
        #expect(try await Self.currentUser(fromFile) == address.user)
    }

    @Test("a wrong password is refused at once with a message naming the store, without the password")
    func wrongPassword() async throws {
        let (_, bare) = try Self.parts()
        let secret = "Wr0ng-pässword/with@signs"
        let wrong = bare.replacingOccurrences(of: "@", with: ":" + secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "@")
        let address = try PostgresAddress.parse(wrong, field: "--store", environment: [:], home: URL(fileURLWithPath: "/nonexistent"))
        let started = Date()
        do {
            try await PostgresStore.withStore(address, schema: "public") { _ in }
            Issue.record("a wrong password was accepted")
        } catch let error as PostgresStoreError {
            guard case .unreachable = error else { Issue.record("unexpected \(error)"); return }
            let message = (error.errorDescription ?? "") + (error.recoverySuggestion ?? "") + "\(error)" + String(reflecting: error)
            #expect(!message.contains(secret) && !message.contains("Wr0ng"))
            #expect(message.contains("password authentication failed"))
            #expect(message.contains(address.description))
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("a server that is not there fails at once, naming the store and what to do")
    func serverDown() async throws {
        // A port nothing listens on: bound, then closed.
        let port: Int
        do {
            let listener = try UnacceptingListener()
            port = Int(listener.port)
        }
        let address = PostgresAddress(user: "nobody", host: "127.0.0.1", port: port, database: "none", tls: .disable,
                                      password: StorePassword("hidden-secret"), passwordSource: .url)
        let started = Date()
        do {
            try await PostgresStore.withStore(address, schema: "public") { _ in }
            Issue.record("connected to nothing")
        } catch let error as PostgresStoreError {
            #expect(error.code == "store_unreachable")
            #expect((error.errorDescription ?? "").contains("127.0.0.1:\(port)"))
            #expect((error.recoverySuggestion ?? "").contains("scripts/dev.sh test"))
            #expect(!"\(error)".contains("hidden-secret"))
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("sslmode=require encrypts, sslmode=disable does not, verify-full checks the certificate against sslrootcert")
    func tlsModes() async throws {
        let url = try TestPostgres.url()
        let certificate = try TestPostgres.certificate()
        func address(_ query: String, host: String = "127.0.0.1") throws -> PostgresAddress {
            try PostgresAddress.parse(url.replacingOccurrences(of: "@127.0.0.1:", with: "@\(host):") + query, field: "--store",
                                      environment: [:], home: URL(fileURLWithPath: "/nonexistent"))
        }
        #expect(try await Self.encrypted(try address("?sslmode=require")))
        let plain = try await Self.encrypted(try address("?sslmode=disable"))
        #expect(!plain)
        let rootParameter = "sslrootcert=" + certificate.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
        #expect(try await Self.encrypted(try address("?sslmode=verify-full&" + rootParameter, host: "localhost")))
        // Without the test certificate among the trusted ones, verification fails and nothing is sent.
        await #expect(throws: PostgresStoreError.self) {
            _ = try await Self.encrypted(try address("?sslmode=verify-full", host: "localhost"))
        }
    }
}
