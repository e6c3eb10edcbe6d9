import Foundation

/// What the ffprobe program (an independent reader, used only in tests) sees in a file: streams
/// with their tags and default flags, every packet with a SHA-256 of its bytes, and chapters.
struct FFprobeReport {
    struct Stream {
        var index: Int
        var kind: String
        var codec: String
        var isDefault: Bool
        var language: String?
        /// The `title` tag, or MP4's `handler_name` (where FFmpeg stores a track's name in MP4).
        var title: String?
    }

    struct Packet {
        var stream: Int
        var pts: Double?
        var duration: Double?
        var sha256: String
    }

    var streams: [Stream] = []
    var packets: [Packet] = []
    var chapters = 0

    init(_ url: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffprobe")
        process.arguments = [
            "-v", "error", "-of", "json", "-show_data_hash", "SHA256", "-show_chapters",
            "-show_entries",
            "packet=stream_index,pts_time,duration_time,data_hash:stream=index,codec_type,codec_name"
                + ":stream_disposition=default:stream_tags=language,title,handler_name",
            url.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FFmpegTool.Failed(description: "ffprobe \(url.path) failed")
        }
        for item in root["streams"] as? [[String: Any]] ?? [] {
            let tags = item["tags"] as? [String: String] ?? [:]
            let disposition = item["disposition"] as? [String: Int] ?? [:]
            streams.append(Stream(
                index: item["index"] as? Int ?? -1, kind: item["codec_type"] as? String ?? "",
                codec: item["codec_name"] as? String ?? "", isDefault: disposition["default"] == 1,
                language: tags["language"], title: tags["title"] ?? tags["handler_name"]))
        }
        for item in root["packets"] as? [[String: Any]] ?? [] {
            packets.append(Packet(
                stream: item["stream_index"] as? Int ?? -1, pts: (item["pts_time"] as? String).flatMap(Double.init),
                duration: (item["duration_time"] as? String).flatMap(Double.init),
                sha256: item["data_hash"] as? String ?? ""))
        }
        chapters = (root["chapters"] as? [Any])?.count ?? 0
    }

    func streams(_ kind: String) -> [Stream] {
        streams.filter { $0.kind == kind }
    }

    /// The hashes of the packets of the first stream of `kind`, in file order.
    func packetHashes(_ kind: String) -> [String] {
        guard let stream = streams(kind).first else { return [] }
        return packets.filter { $0.stream == stream.index }.map(\.sha256)
    }

    /// Where stream `index` ends: the latest packet's time plus its duration, in seconds.
    func end(ofStream index: Int) -> Double {
        packets.filter { $0.stream == index }.compactMap { packet in
            packet.pts.map { $0 + (packet.duration ?? 0) }
        }.max() ?? 0
    }
}
