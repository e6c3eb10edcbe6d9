import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite struct HTTPClientUploadTests {
    @Test func multipartStreamsA50MBFileFromDisk() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("long-take.wav")
        let sourceHash = try TestFiles.writeFile(file, megabytes: 50)
        let server = try TestHTTPServer { _ in .json(Data(#"{"id":"v1"}"#.utf8)) }
        // The upload runs in a child process so its peak memory is measured alone.
        let result = try ChildProcess.run("HTTPUploadHelper", [server.url("/v1/voices/add").absoluteString, file.path])
        try #require(result.status == 0, "helper failed: \(result.stderr)")
        let numbers = Self.fields(result.stdout)
        #expect(numbers["status"] == 200)
        let growth = (numbers["peakAfter"] ?? .max) - (numbers["peakBefore"] ?? 0)
        #expect(growth < 30 << 20, "peak RSS grew by \(growth >> 20) MiB for a 50 MiB upload")

        let received = try #require(server.requests.last)
        #expect(received.method == "POST")
        #expect(received.bodyLength > 50 << 20)
        let parts = try received.multipartParts()
        #expect(parts.map(\.name) == ["name", "files"])
        #expect(parts.first?.text == "Narrator")
        let filePart = try #require(parts.last)
        #expect(filePart.filename == "long-take.wav")
        #expect(filePart.contentType == "audio/wav")
        #expect(filePart.length == 50 << 20)
        #expect(TestFiles.hash(of: filePart) == sourceHash)
    }

    private static func fields(_ line: String) -> [String: Int] {
        var values: [String: Int] = [:]
        for pair in line.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let halves = pair.split(separator: "=", maxSplits: 1)
            if halves.count == 2, let number = Int(halves[1]) { values[String(halves[0])] = number }
        }
        return values
    }

    @Test func bracketedFieldNamesArriveVerbatim() async throws {
        let server = try TestHTTPServer { _ in .json(Data("{}".utf8)) }
        let client = try HTTPClient()
        let clip = Data("RIFF-fake-wave".utf8)
        _ = try await client.send(HTTPRequest(.post, server.url("/tts"), body: .multipart([
            .text("voice[id]", "v-42"),
            .text("output_format[container]", "wav"),
            .text("output_format[sample_rate]", "44100"),
            .bytes("clips[0]", clip, filename: "a b.wav", contentType: "audio/wav"),
        ])))
        let received = try #require(server.requests.first)
        let parts = try received.multipartParts()
        #expect(parts.map(\.name) == ["voice[id]", "output_format[container]", "output_format[sample_rate]", "clips[0]"])
        #expect(parts.map(\.text).prefix(3) == ["v-42", "wav", "44100"])
        #expect(parts.last?.bytes == clip)
        #expect(parts.last?.filename == "a b.wav")
        #expect(received.text.contains(#"name="output_format[container]""#))
    }

    @Test func presignedPutSendsFileWithContentTypeAndLength() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("clip.mp3")
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try payload.write(to: file)
        let server = try TestHTTPServer { _ in TestHTTPResponse(status: 200) }
        let client = try HTTPClient()
        let url = server.url("/bucket/clip.mp3?X-Amz-Credential=abc&X-Amz-Signature=deadbeef")
        _ = try await client.send(HTTPRequest(.put, url, body: .file(file, contentType: "audio/mpeg")))
        let received = try #require(server.requests.first)
        #expect(received.method == "PUT")
        #expect(received.header("Content-Type") == "audio/mpeg")
        #expect(received.header("Content-Length") == "300000")
        #expect(received.header("Transfer-Encoding") == nil)
        #expect(received.query("X-Amz-Signature") == "deadbeef")
        #expect(received.body == payload)
    }

    @Test func missingUploadFileIsAFileError() async throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(status: 200) }
        let client = try HTTPClient()
        let missing = URL(fileURLWithPath: "/nonexistent/dubkit/clip.wav")
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.put, server.url("/b"), body: .file(missing, contentType: nil)))
        }
        guard case .fileError(let path, _) = error else {
            Issue.record("expected fileError, got \(String(describing: error))")
            return
        }
        #expect(path == missing.path)
        #expect(server.requests.isEmpty)
    }
}
