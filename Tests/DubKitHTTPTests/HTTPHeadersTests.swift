import DubKitHTTP
import Testing

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndKeepsWireOrder() {
        var headers: HTTPHeaders = ["Content-Type": "audio/wav", "X-Request-Id": "r1"]
        headers.add("set-cookie", "a=1")
        headers.add("Set-Cookie", "b=2")
        #expect(headers["content-type"] == "audio/wav")
        #expect(headers["CONTENT-TYPE"] == "audio/wav")
        #expect(headers.values("SET-COOKIE") == ["a=1", "b=2"])
        headers.set("x-request-id", "r2")
        #expect(headers.values("X-Request-Id") == ["r2"])
        headers.remove("SET-COOKIE")
        #expect(!headers.contains("set-cookie"))
        #expect(headers.fields.map(\.name) == ["Content-Type", "x-request-id"])
    }
}
