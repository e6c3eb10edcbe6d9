import DubKit
import DubKitHTTP
import Foundation

/// A provider's HTTP API as its client calls it: the base URL, the key asked for on every request (so
/// a missing key only fails requests), one attempt per call (the workflow decides when to try again),
/// and every failure as the adapter's own error type.
public struct ProviderAPI<Failure: AdapterError>: Sendable {
    /// The API's base URL.
    public let baseURL: URL
    /// The variable that overrides the base URL (`CARTESIA_BASE_URL`), named when it cannot be used.
    public let baseURLVariable: String
    /// The key, or the adapter's error saying where to set it; asked for on every request.
    public let key: @Sendable () throws(Failure) -> String
    /// How the key goes on a request ``request(_:_:query:body:accept:timeout:stallTimeout:)`` builds.
    public let auth: ProviderAuth
    /// Headers every request carries besides the key and `Accept` (Cartesia's `Cartesia-Version`).
    public let headers: HTTPHeaders
    private let http: HTTPClient

    /// The API at `baseURL`; `key` is asked for on every request and sent as `auth` says, `log` sees
    /// every exchange (key masked). `retry` is the HTTP layer's policy (honouring `Retry-After`); one
    /// attempt unless an adapter's service documents safe repeats, as the workflow decides when to try
    /// a step again. `headers` go on every request.
    public init(baseURL: URL, variable: String, auth: ProviderAuth = .authorization("Bearer"), headers: HTTPHeaders = [:],
                retry: RetryPolicy = .never, log: (@Sendable (String) -> Void)? = nil,
                key: @escaping @Sendable () throws(Failure) -> String) throws {
        self.baseURL = baseURL
        baseURLVariable = variable
        self.auth = auth
        self.headers = headers
        self.key = key
        http = try HTTPClient(configuration: HTTPClient.Configuration(retryPolicy: retry, log: log))
    }

    /// The URL of `path` below the base URL, with `query`.
    public func url(_ path: String, query: [URLQueryItem] = []) throws(Failure) -> URL {
        guard var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false) else {
            throw .invalidValue(field: baseURLVariable, value: baseURL.absoluteString, allowed: "an http(s) URL")
        }
        if !query.isEmpty { components.queryItems = query }
        guard let url = components.url else { throw .invalidValue(field: "request URL", value: path, allowed: "a valid URL") }
        return url
    }

    /// A request for `path` below the base URL with the key as ``auth`` says, ``headers`` and `Accept: accept`.
    /// `timeout` and `stallTimeout` are the HTTP layer's (nil: its defaults; a timeout of 0: none).
    public func request(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [], body: HTTPRequestBody = .empty,
                        accept: String = "application/json", timeout: Double? = nil,
                        stallTimeout: Double? = nil) throws(Failure) -> HTTPRequest {
        var headers = self.headers
        let key = try key()
        switch auth {
        case let .authorization(scheme): headers.set("Authorization", "\(scheme) \(key)")
        case let .header(name): headers.set(name, key)
        }
        headers.set("Accept", accept)
        return HTTPRequest(method, try url(path, query: query), headers: headers, body: body, timeout: timeout,
                           stallTimeout: stallTimeout)
    }

    /// Sends `method path` once (built by ``request(_:_:query:body:accept:timeout:stallTimeout:)``) and
    /// decodes its JSON answer as `Value`; the operation in messages is `METHOD /path`.
    public func call<Value: Decodable>(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [],
                                       body: HTTPRequestBody = .empty, timeout: Double? = nil,
                                       decoding: Value.Type) async throws(Failure) -> Value {
        try await call(request(method, path, query: query, body: body, timeout: timeout),
                       operation: "\(method.rawValue) /\(path)", decoding: Value.self)
    }

    /// Sends `method path` once with `body` encoded as JSON, and decodes its JSON answer as `Value`.
    public func call<Body: Encodable, Value: Decodable>(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [],
                                                        json body: Body, decoding: Value.Type) async throws(Failure) -> Value {
        let encoded: HTTPRequestBody
        do {
            encoded = try .json(body)
        } catch {
            throw .invalidValue(field: "request body", value: "\(Body.self)", allowed: "JSON-encodable values")
        }
        return try await call(method, path, query: query, body: encoded, decoding: Value.self)
    }

    /// Sends `request` once; its answer when the status is 2xx, the adapter's error otherwise.
    public func exchange(_ request: HTTPRequest, operation: String) async throws(Failure) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await http.exchange(request)
        } catch {
            throw .noAnswer(error, operation: operation, detail: Self.describe(error))
        }
        return try await Self.accepted(response, operation: operation)
    }

    /// Sends `request` once, writing the answer's body to `destination` as it arrives (`observe` sees
    /// each chunk once it is on disk, with its offset); its answer when the status is 2xx.
    public func exchange(_ request: HTTPRequest, operation: String, to destination: URL,
                         observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)?) async throws(Failure) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await http.exchange(request, to: destination, observe: observe)
        } catch {
            throw .noAnswer(error, operation: operation, detail: Self.describe(error))
        }
        return try await Self.accepted(response, operation: operation)
    }

    /// Downloads `url` (a signed storage URL: no key is sent) into `destination`, continuing a transfer
    /// the HTTP layer's policy retries; a non-2xx answer is the adapter's ``AdapterError/refusal(_:operation:)``
    /// (with no body), any other failure ``AdapterError/unreachable(operation:detail:)``.
    public func download(_ url: URL, to destination: URL, operation: String) async throws(Failure) {
        do {
            try await fetch(url, to: destination, operation: operation)
        } catch {
            throw error.failure
        }
    }

    /// A failed download: the adapter's error, and whether the storage refused the link as expired.
    private struct DownloadFailure: Error {
        var failure: Failure
        var isExpiredLink: Bool
    }

    private func fetch(_ url: URL, to destination: URL, operation: String, continuing: Bool = false) async throws(DownloadFailure) {
        do {
            _ = try await http.download(HTTPRequest(.get, url), to: destination, continuing: continuing)
        } catch let error as HTTPError {
            if let status = error.statusCode {
                throw DownloadFailure(failure: .refusal(HTTPResponse(status: status, headers: HTTPHeaders(), body: Data()), operation: operation),
                                      isExpiredLink: status == 403 || status == 410)
            }
            throw DownloadFailure(failure: .unreachable(operation: operation, detail: Self.describe(error)), isExpiredLink: false)
        } catch {
            throw DownloadFailure(failure: .unreachable(operation: operation, detail: "\(error)"), isExpiredLink: false)
        }
    }

    /// Downloads the signed storage address `address` (no key is sent) into `destination`, as
    /// ``download(_:to:operation:)``; an address that is not http(s) is the adapter's
    /// ``AdapterError/invalidResponse(operation:detail:)``. When the storage answers 403 or 410 (the
    /// link expired before or while it was fetched), `refreshed` is asked once for a new address.
    /// With `continuing`, a download an earlier run left cut off in `destination` goes on from its
    /// bytes (the HTTP layer's `continuing` download).
    public func download(signed address: String, to destination: URL, operation: String, continuing: Bool = false,
                         refreshed: () async throws(Failure) -> String?) async throws(Failure) {
        let url = try signedURL(address, operation: operation)
        do {
            try await fetch(url, to: destination, operation: operation, continuing: continuing)
        } catch {
            guard error.isExpiredLink, let again = try await refreshed() else { throw error.failure }
            try? FileManager.default.removeItem(at: destination)
            try await download(signedURL(again, operation: operation), to: destination, operation: operation)
        }
    }

    /// The signed address as a URL, refused unless http(s).
    public func signedURL(_ address: String, operation: String) throws(Failure) -> URL {
        guard let url = WebAddress.url(address) else {
            throw .invalidResponse(operation: operation, detail: "\(Redaction.url(address)) is not an http(s) URL")
        }
        return url
    }

    /// Sends `request` once and decodes its JSON answer as `Value`.
    public func call<Value: Decodable>(_ request: HTTPRequest, operation: String, decoding: Value.Type) async throws(Failure) -> Value {
        let response = try await exchange(request, operation: operation)
        do {
            return try response.decode(Value.self)
        } catch {
            throw .invalidResponse(operation: operation, detail: "\(Value.self) expected: \(error)")
        }
    }

    /// A 2xx answer, after handing the core's pacing any wait it asks for; the adapter's error otherwise.
    private static func accepted(_ response: HTTPResponse, operation: String) async throws(Failure) -> HTTPResponse {
        guard (200..<300).contains(response.status) else { throw .refusal(response, operation: operation) }
        if let wait = Failure.wait(after: response) { await ServiceWait.pause(wait) }
        return response
    }

    private static func describe(_ error: any Error) -> String {
        (error as? HTTPError)?.errorDescription ?? "\(error)"
    }
}

extension ProviderAPI where Failure: ProviderWireError {
    /// The API as `configuration` places it, with the HTTP layer's `retry` policy; `log` sees every
    /// exchange (key masked).
    public init(_ configuration: ProviderConfiguration<Failure>, auth: ProviderAuth = .authorization("Bearer"),
                headers: HTTPHeaders = [:], retry: RetryPolicy = .never, log: (@Sendable (String) -> Void)? = nil) throws {
        try self.init(baseURL: configuration.baseURL, variable: configuration.baseURLVariable, auth: auth, headers: headers,
                      retry: retry, log: log, key: configuration.key)
    }
}
