import DubKit
import PostgresNIO

extension PostgresAddress {
    /// The TLS settings `sslmode` asks for: nil for `disable`; libpq's meanings (`require` encrypts
    /// without checking the certificate, `verify-ca` checks it, `verify-full` its host name too).
    func tlsConfiguration() -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable:
            return nil
        case .allow, .prefer, .require:
            configuration.certificateVerification = .none
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        if let rootCertificatePath {
            configuration.trustRoots = .file(rootCertificatePath)
        }
        return configuration
    }

    /// The pool's configuration: every connection opens with `search_path` set to the project's schema.
    func clientConfiguration(schema: String, maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch (tlsConfiguration(), self.tls.requiresTLS) {
        case (nil, _): .disable
        case let (settings?, true): .require(settings)
        case let (settings?, false): .prefer(settings)
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password?.text,
                                                         database: database, tls: tls)
        configuration.options.additionalStartupParameters = [("search_path", PostgresDialect.quoted(schema)),
                                                             ("application_name", "dubkit")]
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// One connection's configuration, for the check made before the pool starts.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if let settings = tlsConfiguration() {
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: settings)
            } catch {
                throw PostgresStoreError.tlsSetup(store: description, reason: "\(error)")
            }
            tls = self.tls.requiresTLS ? .require(context) : .prefer(context)
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password?.text,
                                                             database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
