import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// An adapter's error type, its cases witnessing the protocol's requirements as the adapters' do.
enum ServiceError: AdapterError, Equatable {
    case invalidValue(field: String, value: String, allowed: String)
    case unreachable(operation: String, detail: String)
    case answerLost(operation: String, detail: String)
    case invalidResponse(operation: String, detail: String)
    case jobState(path: String, detail: String)
    case refused(operation: String, status: Int, message: String, retryAfter: String?)
    case missingKey

    var isAnswerLost: Bool {
        if case .answerLost = self { true } else { false }
    }

    static func refusal(_ response: HTTPResponse, operation: String) -> ServiceError {
        .refused(operation: operation, status: response.status, message: summary(response.text), retryAfter: response.headers["Retry-After"])
    }
}

@Suite("a provider's HTTP API: one attempt, every failure as the adapter's error")
struct ProviderAPITests {
    struct Voice: Codable, Equatable {
        var id: String
    }

    static func api(_ base: URL) throws -> ProviderAPI<ServiceError> {
        try ProviderAPI(baseURL: base, variable: "SERVICE_BASE_URL") { () throws(ServiceError) -> String in throw .missingKey }
    }

    @Test("a 2xx answer decodes; a refusal, a wrong body and a closed port come as the adapter's errors, each sent once")
    func failuresAreTyped() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/voices": .json(Voice(id: "v1"))
            case "/busy": TestHTTPResponse(status: 429, headers: [("Retry-After", "3")], body: .bytes(Data("too many\nrequests".utf8)))
            default: .text("not json")
            }
        }
        let api = try Self.api(server.baseURL)
        let voices = try api.url("voices", query: [URLQueryItem(name: "limit", value: "1")])
        #expect(voices.absoluteString == server.url("/voices?limit=1").absoluteString)
        #expect(try await api.call(HTTPRequest(.get, voices), operation: "GET /voices", decoding: Voice.self) == Voice(id: "v1"))

        await #expect(throws: ServiceError.refused(operation: "POST /busy", status: 429, message: "too many requests", retryAfter: "3")) {
            try await api.exchange(HTTPRequest(.post, api.url("busy")), operation: "POST /busy")
        }
        await #expect {
            try await api.call(HTTPRequest(.get, api.url("text")), operation: "GET /text", decoding: Voice.self)
        } throws: { error in
            guard case let .invalidResponse(operation, detail)? = error as? ServiceError else { return false }
            return operation == "GET /text" && detail.hasPrefix("Voice expected: ")
        }
        #expect(server.requests.count == 3)

        let gone = server.url("/voices")
        server.stop()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("provider-api-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect {
            try await api.exchange(HTTPRequest(.get, gone), operation: "GET /voices", to: file, observe: nil)
        } throws: { error in
            guard case let .unreachable(operation, detail)? = error as? ServiceError else { return false }
            return operation == "GET /voices" && !detail.isEmpty
        }
    }

    @Test("a service's message is quoted on one line, at most 300 characters, and never empty")
    func summaries() {
        #expect(ServiceError.summary("  bad\r\nvoice  ") == "bad  voice")
        #expect(ServiceError.summary(" \n ") == "(no details)")
        let long = ServiceError.summary(String(repeating: "x", count: 400))
        #expect(long.count == 301 && long.hasSuffix("…"))
    }
}
