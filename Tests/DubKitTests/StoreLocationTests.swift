import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("Store location: --store and DUBKIT_STORE")
struct StoreLocationTests {
    private static let nowhere = URL(fileURLWithPath: "/nonexistent-home")

    private static func parse(_ text: String, _ environment: [String: String] = [:]) throws(StoreLocationError) -> PostgresAddress {
        try PostgresAddress.parse(text, field: "--store", environment: environment, home: nowhere)
    }

    @Test("no option and no variable, an empty value or `sqlite`: the SQLite store; --store wins over DUBKIT_STORE")
    func selection() throws {
        #expect(try StoreLocation.resolve(option: nil, environment: [:], home: Self.nowhere) == .sqlite)
        #expect(try StoreLocation.resolve(option: "", environment: ["DUBKIT_STORE": ""], home: Self.nowhere) == .sqlite)
        #expect(try StoreLocation.resolve(option: "sqlite", environment: ["DUBKIT_STORE": "postgres://a@b/c"], home: Self.nowhere) == .sqlite)
        let fromVariable = try StoreLocation.resolve(option: nil, environment: ["DUBKIT_STORE": "postgres://fleet@db.lan/studio"],
                                                     home: Self.nowhere)
        #expect(fromVariable == .postgres(PostgresAddress(user: "fleet", host: "db.lan", database: "studio")))
        let fromOption = try StoreLocation.resolve(option: "postgresql://me@other:6000/x", environment: ["DUBKIT_STORE": "postgres://a@b/c"],
                                                   home: Self.nowhere)
        #expect(fromOption.description == "postgres://me@other:6000/x")
        #expect(throws: StoreLocationError.unsupportedForm(field: "DUBKIT_STORE", value: "mysql://a@b/c")) {
            try StoreLocation.resolve(option: nil, environment: ["DUBKIT_STORE": "mysql://a@b/c"], home: Self.nowhere)
        }
    }

    @Test("user, host, port, database and sslmode are read; percent-escapes decoded; libpq's defaults otherwise")
    func parts() throws {
        let full = try Self.parse("postgres://dub%40kit:p%3Ass@db.example.com:6432/my%20studio?sslmode=require")
        #expect(full.user == "dub@kit" && full.host == "db.example.com" && full.port == 6432 && full.database == "my studio")
        #expect(full.tls == .require && full.tls.requiresTLS)
        #expect(full.password == StorePassword("p:ss") && full.passwordSource == .url)

        let plain = try Self.parse("postgresql://worker@10.0.0.5")
        #expect(plain.port == 5432 && plain.database == "worker" && plain.tls == .prefer && plain.password == nil)
        #expect(plain.passwordSource == .none)

        let v6 = try Self.parse("postgres://w@[::1]:5433/q?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(v6.host == "::1" && v6.port == 5433 && v6.tls == .verifyFull && v6.rootCertificatePath == "/etc/ca.pem")
        #expect(v6.description == "postgres://w@[::1]:5433/q?sslmode=verify-full&sslrootcert=/etc/ca.pem")

        #expect(try Self.parse("postgres://db.lan/x", ["PGUSER": "from-env"]).user == "from-env")
        #expect(try Self.parse("POSTGRES://a@h/d?sslmode=disable").tls == .disable)
        // An unescaped '@', '/' or '?' in a password: the user part ends at the last '@'.
        let odd = try Self.parse("postgres://u:a/b?c@d@host/db")
        #expect(odd.password == StorePassword("a/b?c@d") && odd.host == "host" && odd.database == "db")
    }

    @Test("what cannot be used is refused naming the option, the part and what to do",
          arguments: [
              ("mysql://u@h/d", "", "is not a store"),
              ("just-a-word", "", "is not a store"),
              ("postgres://u@/d", "host", "missing"),
              ("postgres://u@h1,h2/d", "host", "one host"),
              ("postgres://u@h:0/d", "port", "1 to 65535"),
              ("postgres://u@h:70000/d", "port", "1 to 65535"),
              ("postgres://u@h:54x2/d", "port", "1 to 65535"),
              ("postgres://u@h/d?sslmode=sometimes", "sslmode", "not an sslmode"),
              ("postgres://u@h/d?application_name=x", "", "unknown parameter 'application_name'"),
              ("postgres://@h/d", "user", "PGUSER"),
              ("postgres://u@h/d%zz", "database", "%-escape"),
              ("postgres://u@[::1/d", "host", "never closes"),
          ])
    func refusals(text: String, part: String, phrase: String) throws {
        do {
            _ = try Self.parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            let message = error.errorDescription ?? ""
            #expect(message.hasPrefix("--store "), "\(message)")
            #expect(message.contains(phrase), "\(message)")
            if !part.isEmpty { #expect(message.contains("its \(part)"), "\(message)") }
            #expect(error.recoverySuggestion?.isEmpty == false)
            #expect(error.code == "invalid_store")
        }
    }

    @Test("a password never shows: not in a description, a debug print, a dump, nor any error about its URL",
          arguments: ["s3cr3t-Pa55", "with:colon", "sl/ash?and@at", "%zz-broken"])
    func redaction(secret: String) throws {
        let encoded = secret.hasPrefix("%") ? secret : secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let bad = ["postgres://u:\(encoded)@h:notaport/d", "postgres://u:\(encoded)@h/d?sslmode=never",
                   "postgres://u:\(encoded)@h/d?password=x", "mysql://u:\(encoded)@h/d", "postgres://u:\(encoded)@/d",
                   "postgres://u:\(secret)@h:99999/d", "u:\(secret)@h/d"]
        for text in bad {
            do {
                _ = try StoreLocation.parse(text, field: "DUBKIT_STORE", environment: [:], home: Self.nowhere)
                Issue.record("\(text) was accepted")
            } catch {
                let shown = [error.errorDescription ?? "", error.recoverySuggestion ?? "", "\(error)", String(reflecting: error)]
                for text in shown {
                    #expect(!text.contains(secret) && !text.contains(encoded), "shown: \(text)")
                }
            }
        }
        if !secret.hasPrefix("%") {
            let location = try StoreLocation.parse("postgres://u:\(encoded)@h/d", field: "--store", environment: [:], home: Self.nowhere)
            var dumped = ""
            dump(location, to: &dumped)
            for text in [location.description, String(reflecting: location), "\(location)", dumped] {
                #expect(!text.contains(secret) && !text.contains(encoded), "shown: \(text)")
            }
            guard case let .postgres(address) = location else { Issue.record("not postgres"); return }
            #expect(address.password == StorePassword(secret))
            #expect("\(address.password as Any)".contains("redacted"))
        }
        #expect(StoreLocation.redacted("postgres://u:\(secret)@h/d") == "postgres://u:***@h/d")
    }

    @Test("without a password in the URL: PGPASSWORD, then the password file; the URL's own wins over both")
    func passwordOrder() throws {
        let dir = try TemporaryDirectory()
        let file = dir.path("pass")
        try Data("h:5432:d:u:from-file\n".utf8).write(to: file)
        chmod(file.path, 0o600)
        let both = ["PGPASSWORD": "from-env", "PGPASSFILE": file.path]
        #expect(try Self.parse("postgres://u:from-url@h/d", both).password == StorePassword("from-url"))
        #expect(try Self.parse("postgres://u@h/d", both).password == StorePassword("from-env"))
        let fromFile = try Self.parse("postgres://u@h/d", ["PGPASSFILE": file.path])
        #expect(fromFile.password == StorePassword("from-file") && fromFile.passwordSource == .passwordFile(path: file.path))
        // ~/.pgpass when PGPASSFILE is not set.
        try FileManager.default.copyItem(at: file, to: dir.path(".pgpass"))
        chmod(dir.path(".pgpass").path, 0o600)
        let fromHome = try PostgresAddress.parse("postgres://u@h/d", field: "--store", environment: [:], home: dir.url)
        #expect(fromHome.passwordSource == .passwordFile(path: dir.path(".pgpass").path))
        #expect(try Self.parse("postgres://u@h/d").password == nil)
    }
}
