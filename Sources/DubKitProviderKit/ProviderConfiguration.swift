import DubKit
import DubKitHTTP
import Foundation

/// What an adapter takes from the environment, read once when it is made: the base URL (the
/// descriptor's, or its override variable's), the API key (asked for on every request, so a missing
/// key only fails requests) and the poll interval (``PollInterval``, else the minimum given).
public struct ProviderConfiguration<Failure: ProviderWireError>: Sendable {
    /// The API's base URL.
    public let baseURL: URL
    /// The variable that overrides the base URL (`CARTESIA_BASE_URL`), named when it cannot be used.
    public let baseURLVariable: String
    /// Seconds between two reads of one job.
    public let pollInterval: Double
    /// The key, or the adapter's ``ProviderWireError/missingKey(variable:)`` naming where to set it.
    public let key: @Sendable () throws(Failure) -> String

    /// The configuration of `descriptor`'s provider in `environment`; `pollInterval` is the minimum
    /// between two reads of a job (the descriptor's when nil). Throws the adapter's
    /// ``ProviderWireError/invalidValue(field:value:allowed:)``, as a ``ProviderError``, for a base URL
    /// that is not http(s).
    public init(_ descriptor: ProviderDescriptor, environment: [String: String] = ProcessInfo.processInfo.environment,
                pollInterval: Double? = nil) throws(ProviderError) {
        let variable = descriptor.baseURLVariable ?? "\(descriptor.id.uppercased())_BASE_URL"
        let base = descriptor.effectiveBaseURL(environment: environment) ?? ""
        guard let url = WebAddress.url(base) else {
            throw Failure.invalidValue(field: variable, value: base, allowed: "an http(s) URL").providerError
        }
        baseURL = url
        baseURLVariable = variable
        self.pollInterval = PollInterval.effective(minimum: pollInterval ?? descriptor.minimumPollInterval, environment: environment)
        let credentials = Credentials(environment: environment)
        let keyVariable = descriptor.keyVariable ?? "\(descriptor.id.uppercased())_API_KEY"
        key = { () throws(Failure) -> String in
            do {
                return try credentials.key(for: descriptor)
            } catch {
                throw .missingKey(variable: keyVariable)
            }
        }
    }
}
