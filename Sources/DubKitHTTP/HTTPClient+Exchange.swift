import Foundation

extension HTTPClient {
    /// Sends `request` once, without retries, and returns the answer whatever its status, so an adapter
    /// can read an error's headers (`Retry-After`) and body. Throws ``HTTPError`` only when no answer came.
    public func exchange(_ request: HTTPRequest) async throws -> HTTPResponse {
        let outcome = await perform(request, destination: .memory, defaultTimeout: configuration.timeout)
        if let error = Self.failure(of: outcome, for: request), error.statusCode == nil { throw error }
        return HTTPResponse(status: outcome.status, headers: outcome.headers, body: outcome.body)
    }
}
