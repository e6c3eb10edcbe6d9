import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite struct HTTPClientTLSTests {
    static let openssl = "/usr/bin/openssl"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openssl), "needs the openssl tool"))
    func selfSignedCertificateIsRejected() async throws {
        let directory = try TemporaryDirectory()
        let key = directory.path("key.pem").path
        let cert = directory.path("cert.pem").path
        let made = try Self.run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                 "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        try #require(made == 0)
        let port = try Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.openssl)
        server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"]
        server.standardInput = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            // s_server may ignore SIGTERM while serving; SIGKILL always ends it.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        // Refused connections are retried until s_server listens; a TLS failure is never retried.
        let client = try HTTPClient(configuration: .init(retryPolicy: RetryPolicy(maxAttempts: 60, baseDelay: 0.05,
                                                                                  maxDelay: 0.05, jitter: 0)))
        let url = try #require(URL(string: "https://127.0.0.1:\(port)/"))
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.get, url))
        }
        guard case .tlsFailure(let method, _, let host, _) = error else {
            Issue.record("expected tlsFailure, got \(String(describing: error))")
            return
        }
        #expect(method == "GET" && host == "127.0.0.1")
        #expect(error?.localizedDescription.contains("cannot be turned off") == true)
    }

    private static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A port on 127.0.0.1 that was free a moment ago.
    private static func freePort() throws -> UInt16 {
        let probe = try TestHTTPServer { _ in .text("") }
        let port = probe.port
        probe.stop()
        return port
    }
}
