import Crypto
import DubKit
import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// A small H.264 + AAC clip made with the ffmpeg program, as bytes to serve.
private func clipBytes(in dir: TemporaryDirectory) throws -> Data {
    let clip = dir.path("clip.mp4")
    try Fixtures.video(clip, seconds: 2)
    return try Data(contentsOf: clip)
}

private func sha256(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

/// Everything under a store's folder except empty folders: what a failed download must not leave behind.
private func leftovers(in store: MediaStore) -> [String] {
    let walker = FileManager.default.enumerator(at: store.folder, includingPropertiesForKeys: [.isRegularFileKey])
    return (walker?.allObjects as? [URL] ?? []).filter {
        (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
    }.map(\.lastPathComponent)
}

/// A downloader that gives up on a dead host after one retry and finds no yt-dlp.
private func downloader(maxBytes: Int64 = LinkDownloader.defaultMaxBytes, path: String? = nil) throws -> LinkDownloader {
    LinkDownloader(maxBytes: maxBytes, environment: ["PATH": path ?? "/nonexistent"], connectTimeout: 5,
                   retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.05))
}

@Suite("links: downloading http(s) media into the media store")
struct LinkDownloaderTests {
    @Test("a media link is stored under the SHA-256 of its bytes, with progress, and nothing else is left")
    func downloadsMedia() async throws {
        let dir = try TemporaryDirectory()
        let bytes = try clipBytes(in: dir)
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(bytes))
        }
        let store = MediaStore(folder: dir.path("media"))
        let seen = Locked<[DownloadProgress]>([])
        let downloaded = try await downloader().download(try MediaLink(server.url("/clip.mp4").absoluteString), into: store) { progress in
            seen.withLock { $0.append(progress) }
        }
        #expect(downloaded.ref.hash == sha256(bytes))
        #expect(downloaded.ref.byteCount == Int64(bytes.count))
        #expect(downloaded.method == .http && downloaded.contentType == "video/mp4")
        #expect(try Data(contentsOf: store.url(for: downloaded.ref.hash)) == bytes)
        #expect(seen.current.last == DownloadProgress(received: Int64(bytes.count), total: Int64(bytes.count)))
        #expect(leftovers(in: store) == [downloaded.ref.hash])
    }

    @Test("a server that drops the connection halfway: the download resumes with Range and is byte-identical")
    func resumesAfterDrop() async throws {
        let dir = try TemporaryDirectory()
        let bytes = try clipBytes(in: dir)
        let half = bytes.count / 2
        let served = Locked(0)
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(bytes))
            response.acceptsRanges = true
            if served.withLock({ count in count += 1; return count }) == 1 { response.dropAfterBytes = half }
            return response
        }
        let store = MediaStore(folder: dir.path("media"))
        let downloaded = try await downloader().download(try MediaLink(server.url("/clip.mp4").absoluteString), into: store)
        #expect(try Data(contentsOf: store.url(for: downloaded.ref.hash)) == bytes)
        #expect(downloaded.ref.hash == sha256(bytes))
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests.first?.header("Range") == nil)
        #expect(requests.last?.header("Range") == "bytes=\(half)-")
        #expect(leftovers(in: store) == [downloaded.ref.hash])
    }

    @Test("a link whose server sends headers and part of the file, then silence: a timeout error within the bound, and the next download continues from the bytes kept")
    func stalledLinkContinuesInTheNextRun() async throws {
        let dir = try TemporaryDirectory()
        let bytes = try clipBytes(in: dir)
        let half = bytes.count / 2
        let server = try StallingFileServer(bytes, etag: "\"clip-1\"", contentType: "video/mp4", stallAfter: half)
        defer { server.stop() }
        let store = MediaStore(folder: dir.path("media"))
        let link = try MediaLink(server.url("/clip.mp4?sig=SIGNED-SECRET").absoluteString)
        let stalling = LinkDownloader(environment: ["PATH": "/nonexistent"], stallTimeout: 1, retry: .never)
        let start = ContinuousClock.now
        await #expect {
            try await stalling.download(link, into: store)
        } throws: { error in
            guard let error = error as? LinkError, case let .timedOut(shown, seconds, received, kept) = error else { return false }
            let message = error.localizedDescription
            // `seconds` is the silence the transfer thread measured before it gave up.
            return shown == link.description && seconds >= 1 && seconds < 3 && received == Int64(half) && kept == Int64(half)
                && error.code == "link.timed_out" && message.contains("run the same command again") && message.contains("to continue the download from there")
                && !message.contains("SIGNED-SECRET")
        }
        // The whole call, with a generous margin: other suites can keep the test's task waiting for
        // the cooperative pool long after the transfer ended.
        let waited = ContinuousClock.now - start
        #expect(waited < .seconds(40), "gave up after \(waited)")
        #expect(leftovers(in: store).count == 2, "the part and its resume record stay: \(leftovers(in: store))")

        server.stalls = false
        let downloaded = try await downloader().download(link, into: store)
        #expect(downloaded.ref.hash == sha256(bytes))
        #expect(try Data(contentsOf: store.url(for: downloaded.ref.hash)) == bytes)
        let resumed = try #require(server.requests.last)
        #expect(server.requests.count == 2)
        #expect(resumed.header("Range") == "bytes=\(half)-" && resumed.header("If-Range") == "\"clip-1\"")
        #expect(leftovers(in: store) == [downloaded.ref.hash])
    }

    @Test("a link the server cannot resume (no validator) is not kept after a stall: the next run starts over")
    func stallWithoutValidatorKeepsNothing() async throws {
        let dir = try TemporaryDirectory()
        let bytes = try clipBytes(in: dir)
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(bytes))
            response.stallAfterBytes = 1000
            return response
        }
        defer { server.stop() }
        let store = MediaStore(folder: dir.path("media"))
        let stalling = LinkDownloader(environment: ["PATH": "/nonexistent"], stallTimeout: 0.5, retry: .never)
        await #expect {
            try await stalling.download(try MediaLink(server.url("/c.mp4").absoluteString), into: store)
        } throws: { error in
            guard let error = error as? LinkError, case let .timedOut(_, _, received, kept) = error else { return false }
            return received == 1000 && kept == 0 && error.localizedDescription.contains("to try again")
        }
        #expect(leftovers(in: store).isEmpty)
    }

    @Test("a server that ignores Range after a drop sends the file again; the stored hash is still the file's")
    func startsOverWhenRangeIsIgnored() async throws {
        let dir = try TemporaryDirectory()
        let bytes = try clipBytes(in: dir)
        let served = Locked(0)
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(bytes))
            if served.withLock({ count in count += 1; return count }) == 1 {
                response.acceptsRanges = true
                response.dropAfterBytes = bytes.count / 3
            }
            return response
        }
        let store = MediaStore(folder: dir.path("media"))
        let downloaded = try await downloader().download(try MediaLink(server.url("/clip.mp4").absoluteString), into: store)
        #expect(server.requests.count == 2)
        #expect(downloaded.ref.hash == sha256(bytes) && downloaded.ref.byteCount == Int64(bytes.count))
        #expect(try Data(contentsOf: store.url(for: downloaded.ref.hash)) == bytes)
    }

    @Test("schemes other than http and https are refused before anything is fetched",
          arguments: ["file:///etc/passwd", "ftp://example.com/a.mp4", "data:audio/wav;base64,AAAA",
                      "javascript:alert(1)", "FILE:///tmp/x.mp4", "gopher://example.com/"])
    func refusedSchemes(link: String) throws {
        let scheme = String(link.prefix { $0 != ":" }).lowercased()
        #expect(throws: LinkError.refusedScheme(link: link, scheme: scheme)) { try MediaLink(link) }
        #expect(LinkError.refusedScheme(link: link, scheme: scheme).localizedDescription.contains("only http:// and https://"))
    }

    @Test("text that is not an absolute address with a host is refused", arguments: ["talk.mp4", "http://", "https:///x.mp4"])
    func invalidLinks(link: String) {
        #expect { try MediaLink(link) } throws: { error in
            guard case .invalid = error as? LinkError else { return false }
            return true
        }
    }

    @Test("a Content-Length over the cap stops the download before the body; nothing is kept")
    func oversizeByContentLength() async throws {
        let dir = try TemporaryDirectory()
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(Data(count: 50_000)))
        }
        let store = MediaStore(folder: dir.path("media"))
        await #expect(throws: LinkError.tooLarge(link: server.url("/big.mp4").absoluteString, limit: 10_000, size: 50_000)) {
            try await downloader(maxBytes: 10_000).download(try MediaLink(server.url("/big.mp4").absoluteString), into: store)
        }
        #expect(leftovers(in: store).isEmpty)
    }

    @Test("a body without Content-Length that streams past the cap is stopped; nothing is kept")
    func oversizeWhileStreaming() async throws {
        let dir = try TemporaryDirectory()
        let chunk = String(repeating: "x", count: 4096)
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(headers: [("Content-Type", "video/mp4")],
                             body: .chunked((0..<64).map { _ in TestHTTPResponse.Chunk(chunk) }))
        }
        let store = MediaStore(folder: dir.path("media"))
        await #expect {
            try await downloader(maxBytes: 20_000).download(try MediaLink(server.url("/stream").absoluteString), into: store)
        } throws: { error in
            guard case let .tooLarge(_, limit, size) = error as? LinkError else { return false }
            return limit == 20_000 && size > 20_000 && size < 64 * 4096
        }
        #expect(leftovers(in: store).isEmpty)
    }

    @Test("a 404 is a not-found error naming the link")
    func notFound() async throws {
        let dir = try TemporaryDirectory()
        let server = try TestHTTPServer { _ in .text("no such clip", status: 404) }
        let link = server.url("/missing.mp4").absoluteString
        let store = MediaStore(folder: dir.path("media"))
        await #expect(throws: LinkError.httpStatus(link: link, code: 404)) {
            try await downloader().download(try MediaLink(link), into: store)
        }
        #expect(LinkError.httpStatus(link: link, code: 404).code == "link.not_found")
        #expect(leftovers(in: store).isEmpty)
    }

    @Test("a port nobody listens on is an unreachable-host error")
    func unreachable() async throws {
        let dir = try TemporaryDirectory()
        let server = try TestHTTPServer { _ in .text("") }
        let link = server.url("/gone.mp4").absoluteString
        server.stop()
        let store = MediaStore(folder: dir.path("media"))
        await #expect {
            try await downloader().download(try MediaLink(link), into: store)
        } throws: { error in
            guard case let .unreachable(shown, host, _) = error as? LinkError else { return false }
            return shown == link && host == "127.0.0.1"
        }
        #expect(leftovers(in: store).isEmpty)
    }

    @Test("a web page with no yt-dlp on PATH is refused with a message saying so", arguments: [
        ("text/html; charset=utf-8", "<html><body><video src=clip.mp4></video></body></html>"),
        ("", "<!doctype html><p>not media at all, and no Content-Type either</p>"),
    ])
    func pageWithoutYtDlp(contentType: String, page: String) async throws {
        let dir = try TemporaryDirectory()
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(headers: contentType.isEmpty ? [] : [("Content-Type", contentType)], body: .bytes(Data(page.utf8)))
        }
        let store = MediaStore(folder: dir.path("media"))
        let empty = dir.path("bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        await #expect {
            try await downloader(path: empty.path).download(try MediaLink(server.url("/watch?v=1").absoluteString), into: store)
        } throws: { error in
            guard let error = error as? LinkError, case .webPageNeedsYtDlp = error else { return false }
            return error.code == "link.web_page" && error.localizedDescription.contains("web page")
                && error.localizedDescription.contains("yt-dlp")
        }
        #expect(leftovers(in: store).isEmpty)
    }

    @Test("a body that claims to be video but is not media is a not-media error, not a page")
    func damagedMedia() async throws {
        let dir = try TemporaryDirectory()
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(headers: [("Content-Type", "video/mp4")],
                             body: .bytes(Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })))
        }
        let store = MediaStore(folder: dir.path("media"))
        await #expect {
            try await downloader().download(try MediaLink(server.url("/junk.mp4").absoluteString), into: store)
        } throws: { error in
            guard case .notMedia = error as? LinkError else { return false }
            return true
        }
        #expect(leftovers(in: store).isEmpty)
    }

    @Test("a web page is handed to yt-dlp when it is on PATH, and the file it writes is stored")
    func pageWithYtDlp() async throws {
        let dir = try TemporaryDirectory()
        let bytes = try clipBytes(in: dir)
        let server = try TestHTTPServer { request in
            request.path == "/media/clip.mp4"
                ? TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(bytes))
                : TestHTTPResponse(headers: [("Content-Type", "text/html")],
                                   body: .bytes(Data("<html><video src=\"/media/clip.mp4\"></video></html>".utf8)))
        }
        // A stand-in for yt-dlp honouring the options DubKit passes: it reads the page, follows its
        // <video src>, and writes the media to the -o template with the media's extension.
        let bin = dir.path("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let script = bin.appendingPathComponent("yt-dlp")
        try """
            #!/usr/bin/env python3
            import re, sys, urllib.parse, urllib.request
            args = sys.argv[1:]
            url = args[args.index("--") + 1]
            template = args[args.index("-o") + 1]
            assert "--no-playlist" in args and args[args.index("--max-filesize") + 1].isdigit()
            page = urllib.request.urlopen(url).read().decode()
            src = urllib.parse.urljoin(url, re.search(r'src="([^"]+)"', page).group(1))
            data = urllib.request.urlopen(src).read()
            open(template.replace("%(ext)s", "mp4"), "wb").write(data)
            """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let store = MediaStore(folder: dir.path("media"))
        let downloaded = try await downloader(path: "\(bin.path):/usr/bin:/bin")
            .download(try MediaLink(server.url("/watch?v=42").absoluteString), into: store)
        #expect(downloaded.method == .ytDlp)
        #expect(downloaded.ref.hash == sha256(bytes))
        #expect(leftovers(in: store) == [downloaded.ref.hash])
        #expect(server.requests.map(\.path) == ["/watch", "/watch", "/media/clip.mp4"])
    }
}
