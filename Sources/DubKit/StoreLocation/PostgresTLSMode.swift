/// Whether and how a PostgreSQL connection is encrypted: the URL's `sslmode`, with libpq's names and meanings.
public enum PostgresTLSMode: String, Sendable, Equatable, CaseIterable {
    /// Never TLS.
    case disable
    /// TLS when the server offers it (taken as `prefer`).
    case allow
    /// TLS when the server offers it, else plain; the certificate is not checked. libpq's default.
    case prefer
    /// TLS or no connection; the certificate is not checked (libpq's `require`).
    case require
    /// TLS, the certificate checked against the trusted roots (`sslrootcert`, else the system's), not its host name.
    case verifyCA = "verify-ca"
    /// TLS, the certificate and its host name checked.
    case verifyFull = "verify-full"

    /// True when the connection is refused rather than made without TLS.
    public var requiresTLS: Bool {
        switch self {
        case .disable, .allow, .prefer: false
        case .require, .verifyCA, .verifyFull: true
        }
    }
}
