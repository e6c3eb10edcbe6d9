import Foundation

/// The poll interval's override, `DUBKIT_POLL_INTERVAL`, read in this one place: seconds between two
/// reads of one job, for test and self-hosted servers (a provider's own minimum applies when unset).
public enum PollInterval {
    /// The environment variable that overrides every provider's poll interval.
    public static let variable = "DUBKIT_POLL_INTERVAL"

    /// The override in `environment`: a positive number of seconds; nil when unset, empty, not a
    /// number, zero or negative (then the provider's minimum applies).
    public static func override(environment: [String: String] = ProcessInfo.processInfo.environment) -> Double? {
        environment[variable].flatMap(Double.init).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    }

    /// The interval in force: the override when set, else `minimum`.
    public static func effective(minimum: Double, environment: [String: String] = ProcessInfo.processInfo.environment) -> Double {
        override(environment: environment) ?? minimum
    }
}
