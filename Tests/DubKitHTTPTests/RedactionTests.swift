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

/// The rule for link query parameters, name by name: what is masked and what is kept.
@Suite struct LinkRedactionTests {
    @Test("secret-looking parameters are masked whatever their case", arguments: [
        "signature", "Signature", "sig", "SIG", "token", "access_token", "key", "api_key", "apikey", "apiKey", "X-Api-Key",
        "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "X-Goog-Signature", "X-Goog-Credential",
        "AWSAccessKeyId", "Key-Pair-Id", "password", "passwd", "pwd", "secret", "client_secret", "session_id", "auth",
        "code", "md5", "jwt", "hmac",
    ])
    func masked(name: String) {
        let shown = Redaction.url("https://cdn.example/clip.mp4?v=2&\(name)=S3CR3T-VALUE&expires=1700000000")
        #expect(!shown.contains("S3CR3T-VALUE"), "\(name): \(shown)")
        #expect(shown.contains("\(name)=***") && shown.contains("v=2") && shown.contains("expires=1700000000"))
    }

    @Test("ordinary parameters are kept", arguments: ["v", "voice", "expires", "format", "t", "list", "id"])
    func kept(name: String) {
        #expect(Redaction.url("https://cdn.example/a?\(name)=visible") == "https://cdn.example/a?\(name)=visible")
    }

    @Test("user:password, fragment parameters and text URLComponents refuses are masked too")
    func otherPlaces() {
        #expect(Redaction.url("https://me:hunter2@cdn.example/a.wav") == "https://***:***@cdn.example/a.wav")
        let fragment = Redaction.url("https://cdn.example/a.wav#access_token=S3CR3T&t=10")
        #expect(!fragment.contains("S3CR3T") && fragment.hasSuffix("#access_token=***&t=10"))
        let broken = Redaction.url("https://cdn.example/a b.wav?sig=S3CR3T&v=1#token=S3CR3T2")
        #expect(!broken.contains("S3CR3T") && broken.contains("v=1"), "\(broken)")
    }
}
