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

extension HTTPClient {
    /// Sends `request` once, without retries, writing a 2xx body to `destination` as it arrives (so
    /// a long or slow answer — streamed audio — is on disk piece by piece, never whole in memory).
    /// Any other status comes back with its headers and the start of its body (64 KiB) in memory,
    /// and `destination` is left as it was. `observe` sees each chunk as it is written, with its file
    /// offset. Throws ``HTTPError`` only when no complete answer came (a body cut off part-way leaves
    /// its first part in `destination`).
    public func exchange(_ request: HTTPRequest, to destination: URL,
                         observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)? = nil) async throws -> HTTPResponse {
        let outcome = await perform(request, destination: .file(destination, resumeFrom: 0), defaultTimeout: 0,
                                    observe: observe)
        if let error = Self.failure(of: outcome, for: request), error.statusCode == nil { throw error }
        return HTTPResponse(status: outcome.status, headers: outcome.headers, body: outcome.body)
    }
}
