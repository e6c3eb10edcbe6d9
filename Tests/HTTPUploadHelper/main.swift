// A child process for the upload memory test: it sends one file as a multipart form to a URL and
// prints its own peak resident memory before and after, so the measurement is of the upload alone
// and not of whatever other tests the test runner has going at the same time.
import DubKitHTTP
import Foundation

func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
    }
    return 0
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count == 2, let url = URL(string: args[0]) else {
    FileHandle.standardError.write(Data("usage: HTTPUploadHelper URL FILE\n".utf8))
    exit(2)
}
let file = URL(fileURLWithPath: args[1])
do {
    let client = try HTTPClient()
    // Warm up (thread, libcurl, TLS tables) so the baseline includes the client's fixed cost.
    _ = try? await client.send(HTTPRequest(.get, url))
    let before = peakResidentBytes()
    let response = try await client.send(HTTPRequest(.post, url, body: .multipart([
        .text("name", "Narrator"),
        .file("files", file, contentType: "audio/wav"),
    ])))
    let after = peakResidentBytes()
    print("status=\(response.status) peakBefore=\(before) peakAfter=\(after)")
} catch {
    FileHandle.standardError.write(Data("upload failed: \(error.localizedDescription)\n".utf8))
    exit(1)
}
