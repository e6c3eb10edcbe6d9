import Foundation

/// How long any network read may wait: to connect, and with nothing arriving or leaving on a connection
/// (a stall). Every ``HTTPClient`` applies these unless its configuration or the request says otherwise.
/// The process's values are read once from `DUBKIT_CONNECT_TIMEOUT` and `DUBKIT_STALL_TIMEOUT` (seconds).
public struct NetworkBounds: Sendable, Equatable {
    /// The environment variable that sets ``connectTimeout``.
    public static let connectVariable = "DUBKIT_CONNECT_TIMEOUT"
    /// The environment variable that sets ``stallTimeout``.
    public static let stallVariable = "DUBKIT_STALL_TIMEOUT"
    /// Seconds to connect (TCP and TLS) when nothing is set: 15.
    public static let defaultConnectTimeout: Double = 15
    /// Seconds a transfer may go without a byte either way when nothing is set: 60.
    public static let defaultStallTimeout: Double = 60
    /// How many stall limits a request whose answer is computed before it is sent may wait for it
    /// (a synchronous conversion): 10, so 10 minutes by default.
    public static let processingFactor: Double = 10

    /// Seconds allowed to connect, TLS handshake included.
    public var connectTimeout: Double
    /// Seconds a transfer may go without receiving or sending a byte once connected.
    public var stallTimeout: Double
    /// What was wrong with the environment's values (each fell back to its default), for the caller to report.
    public var problems: [String]

    /// The bounds `environment` asks for; a value that is not a number of seconds above 0 keeps the
    /// default and is named in ``problems``.
    public init(environment: [String: String]) {
        var problems: [String] = []
        func seconds(_ variable: String, _ fallback: Double) -> Double {
            guard let text = environment[variable] else { return fallback }
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
                problems.append("\(variable)=\(text) is not a number of seconds above 0 (the default is \(Self.format(fallback)) s)")
                return fallback
            }
            return value
        }
        connectTimeout = seconds(Self.connectVariable, Self.defaultConnectTimeout)
        stallTimeout = seconds(Self.stallVariable, Self.defaultStallTimeout)
        self.problems = problems
    }

    /// Bounds from their values.
    public init(connectTimeout: Double, stallTimeout: Double) {
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        problems = []
    }

    /// The process's bounds, read from its environment the first time they are asked for.
    public static let current = NetworkBounds(environment: ProcessInfo.processInfo.environment)

    /// The stall limit for a request whose server works out the whole answer before sending its first
    /// byte (a synchronous voice conversion): ``stallTimeout`` × ``processingFactor``.
    public var processingStallTimeout: Double { stallTimeout * Self.processingFactor }

    /// Seconds as messages print them: `15`, `2.5`.
    public static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
