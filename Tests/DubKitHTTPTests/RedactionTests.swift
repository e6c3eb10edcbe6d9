import DubKitHTTP
import Foundation
import Testing

@Suite struct RedactionTests {
    @Test(arguments: ["Authorization", "xi-api-key", "X-Api-Key", "Api-Key", "X-Auth-Token"])
    func credentialHeadersAreMasked(name: String) {
        #expect(Redaction.headerValue(name: name, value: "sk_live_123") == "***")
    }

    @Test func ordinaryHeadersAreKept() {
        #expect(Redaction.headerValue(name: "Content-Type", value: "application/json") == "application/json")
    }

    @Test func secretQueryParametersAreMaskedOthersKept() {
        let url = Redaction.url("https://h.example/v1/x?voice=abc&api_key=SECRET1&token=SECRET2&X-Amz-Signature=SECRET3&key=SECRET4")
        #expect(!url.contains("SECRET"))
        #expect(url.contains("voice=abc"))
        #expect(url.contains("api_key=***"))
    }
}
