import DubKitTestSupport
import Foundation

/// The built `dubkit` run in a temporary folder with its workspace at `ws/` there (given as
/// `DUBKIT_WORKSPACE`) and status polled every 0.05 s; call it with the command's arguments.
struct WorkspaceCLI {
    let dir: TemporaryDirectory

    func callAsFunction(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: ["DUBKIT_WORKSPACE": dir.path("ws").path, "DUBKIT_POLL_INTERVAL": "0.05"],
                             currentDirectory: dir.url)
    }
}

/// The built `dubkit` against a provider configured as a user would, by variables only: `--workspace`
/// `ws/` and the config folder `config/` in `dir`, status polled every 0.05 s, and `environment` (the
/// provider's base URL and key).
func dubkit(_ arguments: [String], _ dir: TemporaryDirectory, _ environment: [String: String]) throws -> ChildProcess.Result {
    try ChildProcess.run("dubkit", ["--workspace", dir.path("ws").path] + arguments, environment: environment.merging([
        "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_CONFIG_DIR": dir.path("config").path,
    ]) { $1 }, currentDirectory: dir.url)
}

/// Makes `folder` and serves it over HTTP on 127.0.0.1 (`GET …/NAME` answers the file NAME, else 404),
/// as `VOICECONVERT_PUBLISH_DIR` and `VOICECONVERT_PUBLIC_URL` expect; the server stops when released.
func servePublishedFolder(_ folder: URL) throws -> TestHTTPServer {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try TestHTTPServer { request in
        let name = request.path.split(separator: "/").last.map(String.init) ?? ""
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return .text("no", status: 404) }
        return TestHTTPResponse(status: 200, body: .bytes(data))
    }
}
