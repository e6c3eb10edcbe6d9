import DubKit
import DubKitHTTP
import Foundation
import Testing
@testable import VoiceDubProvider

/// Every status of the spec's enums onto DubKit's lifecycles, and error bodies onto typed errors.
@Suite("VoiceDub mappings")
struct VoiceDubMappingTests {
    static let dubStatuses: [(VoiceDubDubStatus, DubStatus)] = [
        (.new, .new), (.preprocessing, .preprocessing), (.preprocessed, .preprocessed), (.queued, .queued),
        (.starting, .starting), (.processing, .processing), (.finalizing, .processing), (.done, .done), (.error, .error),
    ]

    @Test("each dub status", arguments: dubStatuses)
    func dubStatus(_ remote: VoiceDubDubStatus, _ local: DubStatus) {
        let state = VoiceDubAdapter.state(Self.dub(remote))
        #expect(state.status == local)
        #expect((state.failure != nil) == (remote == .error))
        #expect(state.creditsUsed == (remote == .done ? 30 : nil))
    }

    @Test("the table covers the spec's whole enum")
    func everyDubStatus() {
        #expect(Set(Self.dubStatuses.map(\.0)) == Set(VoiceDubDubStatus.allCases))
        #expect(VoiceDubDubStatus.allCases.map(\.rawValue) ==
                ["new", "preprocessing", "preprocessed", "queued", "starting", "processing", "finalizing", "done", "error"])
        #expect(VoiceDubVoiceStatus.allCases.map(\.rawValue) ==
                ["new", "queued", "starting", "processing", "finalizing", "done", "error"])
    }

    @Test("each voice status", arguments: VoiceDubVoiceStatus.allCases)
    func voiceStatus(_ remote: VoiceDubVoiceStatus) {
        let voice = VoiceDubVoice(id: "v1", name: "n", status: remote, separate: true, maxMinutes: 10,
                                  errorCode: remote == .error ? "bad_audio" : nil, errorMessage: remote == .error ? "too quiet" : nil,
                                  apiCreditsUsed: 100, apiCreditsLeft: 400, completedAt: nil, createdAt: "", updatedAt: "",
                                  requiredCredits: 100)
        let state = VoiceDubAdapter.state(voice)
        #expect(state.status.rawValue == remote.rawValue)
        #expect(state.failure?.code == (remote == .error ? "bad_audio" : nil))
        #expect(state.failure?.message.contains("too quiet") ?? (remote != .error))
    }

    @Test("a failed dub carries errorCode and errorMessage, with defaults when VoiceDub gives none")
    func failure() {
        var dub = Self.dub(.error)
        dub.errorCode = "input_too_long"
        dub.errorMessage = "Dubs are limited to 30 minutes"
        let failure = VoiceDubAdapter.state(dub).failure
        #expect(failure?.code == "input_too_long")
        #expect(failure?.message.contains("Dubs are limited to 30 minutes") == true)
        dub.errorCode = nil
        dub.errorMessage = nil
        #expect(VoiceDubAdapter.state(dub).failure?.code == "dub_failed")
    }

    @Test("error bodies cut short are still read, and bodies without a code fall back on the status", arguments: [
        (400, #"{"code":"invalid_arguments","message":"Invalid arguments","errors":{"params":{},"query":{},"body":{"pitchShift":["Number must be less than or equal to 24 and so on an"#, "invalid_arguments"),
        (400, #"{"code":"dub_is_not_new","message":"Dub is not new"}"#, "dub_is_not_new"),
        (403, #"{"code":"not_enough_credits","message":"Not enough credits"}"#, "not_enough_credits"),
        (404, "Not Found", "not_found"),
        (401, "", "unauthorized"),
        (429, "", "rate_limit_exceeded"),
        (502, "<html>Bad gateway</html>", "internal_error"),
        (418, #"{"code":"teapot","message":"short and stout"}"#, "teapot"),
    ])
    func errorBodies(_ status: Int, _ body: String, _ code: String) {
        let error = VoiceDubError.refusal(Self.response(status, body), operation: "POST /v1/me/dubs")
        #expect(error.code == code)
        #expect(error.summary.hasPrefix("POST /v1/me/dubs"))
    }

    @Test("the details of invalid_arguments name the field")
    func invalidArgumentDetails() {
        let body = #"{"code":"invalid_arguments","message":"Invalid arguments","errors":{"params":{},"query":{},"body":{"pitchShift":["Number must be less than or equal to 24"]}}}"#
        guard case let .invalidArguments(_, message, details) = VoiceDubError.refusal(Self.response(400, body), operation: "x") else {
            Issue.record("not invalid_arguments")
            return
        }
        #expect(message == "Invalid arguments")
        #expect(details == #"{body: {pitchShift: ["Number must be less than or equal to 24"]}}"#)
    }

    /// An answer of `status` with `body`, as the kit hands it to the error's mapping.
    static func response(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders(), body: Data(body.utf8))
    }

    static func dub(_ status: VoiceDubDubStatus) -> VoiceDubDub {
        VoiceDubDub(id: "d1", voiceId: "v1", link: nil, separate: false, status: status,
                    inputDuration: status == .new ? nil : 150_000, inputSource: "upload", pitchShift: 0,
                    errorCode: nil, errorMessage: nil, apiCreditsUsed: 30, apiCreditsLeft: 70, completedAt: nil,
                    createdAt: "", updatedAt: "", dubUrl: nil, requiredCredits: status == .new ? nil : 30)
    }
}
