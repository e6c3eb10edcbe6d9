import Foundation

/// A small Python plugin that appends a line to a marker file each time it starts, so a test can count
/// how often DubKit ran it. It answers `handshake`, `describe` and `account` (7 credits).
public enum MarkerPlugin {
    /// Writes the plugin for `id` to `file` (mode 0755; its folder is made), appending to `marker` when run.
    public static func install(_ id: String, at file: URL, marker: URL, name: String? = nil) throws {
        let script = """
            #!/usr/bin/env python3
            import json, sys
            with open(\(String(reflecting: marker.path)), "a") as f:
                f.write("ran\\n")
            for line in sys.stdin:
                req = json.loads(line)
                m, rid = req["method"], req["id"]
                if m == "handshake":
                    out = {"id": rid, "result": {"protocolVersion": 1}}
                elif m == "describe":
                    out = {"id": rid, "result": {"id": \(String(reflecting: id)), "name": \(String(reflecting: name ?? id))}}
                elif m == "account":
                    out = {"id": rid, "result": {"credits": 7}}
                else:
                    out = {"id": rid, "error": {"code": "unknown_method", "message": m}}
                print(json.dumps(out), flush=True)

            """
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try script.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
    }

    /// How many times the plugin writing to `marker` has started.
    public static func runs(_ marker: URL) -> Int {
        ((try? String(contentsOf: marker, encoding: .utf8)) ?? "").split(separator: "\n").count
    }
}
