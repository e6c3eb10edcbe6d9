import DubKitTestSupport
import Foundation

/// The presigned uploads (dub input, voice training files) and the dub download, answered as S3
/// would: no API key, the signature in the query, empty 200 on PUT, XML bodies on errors.
extension FakeVoiceDubCore {
    func handlePresigned(_ request: TestHTTPRequest, route: VoiceDubRoute, fault: FakeVoiceDub.Fault?) -> TestHTTPResponse {
        switch fault {
        case .rateLimited(let seconds):
            var response = Self.xml(503, code: "SlowDown", message: "Please reduce your request rate.")
            response.headers.append(("Retry-After", String(seconds)))
            return response
        case .serverError:
            return Self.xml(500, code: "InternalError", message: "We encountered an internal error. Please try again.")
        case .dropConnection where route.operation != .downloadDub:
            return .hangUp
        case .stall where route.operation != .downloadDub:
            return Self.silence
        default:
            break
        }
        guard let purpose = route.purpose else { return .hangUp }
        do {
            try locked { core throws(PresignedURLs.Refusal) in
                try core.checkSignature(purpose, request.query("X-Amz-Signature"))
            }
        } catch {
            return TestHTTPResponse(status: 403, headers: [("Content-Type", "application/xml")],
                                    body: .bytes(Data(error.xml.utf8)))
        }
        var response: TestHTTPResponse
        switch purpose {
        case .dubInput(let id): response = storeDubInput(request, dubID: id)
        case .voiceFile(let id, let index): response = storeVoiceFile(request, voiceID: id, index: index)
        case .dubResult(let id): response = serveResult(dubID: id)
        }
        switch fault {
        case .slow(let duration): response.delay = Self.seconds(duration)
        case .dropConnection:
            if case .bytes(let body) = response.body { response.dropAfterBytes = body.count / 2 }
        case .stall:
            if case .bytes(let body) = response.body { response.stallAfterBytes = body.count / 2 }
        case .dropAfterProcessing: return .hangUp
        case .damagedResult where response.status == 200:
            response.body = .bytes(Data(repeating: 0x42, count: 4096))
        default: break
        }
        return response
    }

    private func storeDubInput(_ request: TestHTTPRequest, dubID: String) -> TestHTTPResponse {
        let file = storage.path("\(dubID.lowercased())-input")
        do {
            try request.writeBody(to: file)
        } catch {
            return Self.xml(500, code: "InternalError", message: "The upload could not be stored.")
        }
        locked { core in
            guard var dub = core.storedDub(dubID) else { return }
            dub.inputFile = file
            dub.uploadedBytes = request.bodyLength
            core.store(dub)
        }
        return TestHTTPResponse(status: 200, headers: [("ETag", "\"\(request.bodyLength)\"")])
    }

    private func storeVoiceFile(_ request: TestHTTPRequest, voiceID: String, index: Int) -> TestHTTPResponse {
        let file = storage.path("\(voiceID.lowercased())-file-\(index)")
        do {
            try request.writeBody(to: file)
        } catch {
            return Self.xml(500, code: "InternalError", message: "The upload could not be stored.")
        }
        locked { core in
            guard var voice = core.currentVoice(voiceID) else { return }
            voice.files[index] = file
            core.store(voice)
        }
        return TestHTTPResponse(status: 200, headers: [("ETag", "\"\(request.bodyLength)\"")])
    }

    private func serveResult(dubID: String) -> TestHTTPResponse {
        guard let file = locked({ $0.storedDub(dubID)?.resultFile }), let bytes = try? Data(contentsOf: file) else {
            return Self.xml(404, code: "NoSuchKey", message: "The specified key does not exist.")
        }
        var response = TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/wav"), ("ETag", "\"\(dubID.lowercased())-\(bytes.count)\"")],
                                        body: .bytes(bytes))
        response.acceptsRanges = true
        return response
    }

    private static func xml(_ status: Int, code: String, message: String) -> TestHTTPResponse {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        return TestHTTPResponse(status: status, headers: [("Content-Type", "application/xml")], body: .bytes(Data(text.utf8)))
    }
}
