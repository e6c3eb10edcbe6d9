import DubKitHTTP
import DubKitMedia
import Foundation

/// Downloads an http(s) link into a media store: through DubKitHTTP with resumable ranged requests into
/// the store's `.incoming/` folder, then stored under its SHA-256. A download that stalls or loses its
/// connection keeps its bytes in `.incoming/link-<hash of the link>.part`, and the next download of the
/// same link continues from them. A link to a web page rather than media is handed to `yt-dlp` when it
/// is on PATH, and refused otherwise. Nothing is left under a final name unless the whole file arrived
/// and is media.
public struct LinkDownloader: Sendable {
    /// The default size cap: 2 GiB.
    public static let defaultMaxBytes: Int64 = 2 << 30

    /// The largest file accepted; a larger one stops the download with ``LinkError/tooLarge(link:limit:size:)``.
    public var maxBytes: Int64
    /// The environment `yt-dlp` is looked up in (its PATH) and run with.
    public var environment: [String: String]
    /// Seconds allowed to connect.
    public var connectTimeout: Double
    /// Seconds the download may go without a byte before it stops (its bytes kept for the next run).
    public var stallTimeout: Double
    /// When to retry a failed request (connections that break after some bytes are resumed regardless).
    public var retry: RetryPolicy
    /// Receives the bytes so far (and the total when known) of every download, for a progress bar.
    public var progress: (@Sendable (DownloadProgress) -> Void)?

    /// A downloader with the 2 GiB cap, the process's environment, its ``NetworkBounds`` and the
    /// standard retry policy.
    public init(maxBytes: Int64 = LinkDownloader.defaultMaxBytes,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                connectTimeout: Double = NetworkBounds.current.connectTimeout,
                stallTimeout: Double = NetworkBounds.current.stallTimeout, retry: RetryPolicy = .standard,
                progress: (@Sendable (DownloadProgress) -> Void)? = nil) {
        self.progress = progress
        self.maxBytes = maxBytes
        self.environment = environment
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.retry = retry
    }

    /// Fetches `link` into `store` and returns the stored file; `progress` (else ``progress``) gets the
    /// bytes so far. Throws ``LinkError``, or `CancellationError`.
    public func download(_ link: MediaLink, into store: MediaStore,
                         progress: (@Sendable (DownloadProgress) -> Void)? = nil) async throws -> DownloadedLink {
        let progress = progress ?? self.progress
        let incoming = store.incoming
        do {
            try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        } catch {
            throw LinkError.io(path: incoming.path, reason: error.localizedDescription)
        }
        let partial: PartialDownload
        do {
            partial = try PartialDownload(folder: incoming, name: PartialDownload.name(forLink: link.url))
        } catch {
            throw LinkError.io(path: incoming.path, reason: error.localizedDescription)
        }
        // Kept only when the download stopped on the way in a way the next run can continue.
        var keep = false
        defer { if !keep { partial.discard() } }
        let part = partial.url
        let digest = StreamingDigest()
        let response: HTTPResponse
        do {
            response = try await fetch(link, to: part, digest: digest, progress: progress)
        } catch LinkError.timedOut(let shown, let seconds, let received, _) {
            keep = partial.canContinue
            throw LinkError.timedOut(link: shown, seconds: seconds, received: received, kept: keep ? partial.bytes : 0)
        } catch let error as LinkError {
            if case .unreachable = error { keep = partial.canContinue }
            throw error
        }
        let contentType = response.headers["Content-Type"]
        if Self.isWebPage(contentType) {
            return try await fetchPage(link, contentType: contentType ?? "text/html", into: store)
        }
        do {
            _ = try MediaProbe.probe(part)
        } catch let error as MediaError {
            if case .notMedia = error, !Self.isMediaType(contentType) {
                return try await fetchPage(link, contentType: contentType ?? "no Content-Type", into: store)
            }
            throw LinkError.notMedia(link: link.description, detail: error.localizedDescription)
        }
        let ref = try adopt(part, into: store, digest: digest.finish())
        return DownloadedLink(link: link.description, ref: ref, contentType: contentType, method: .http)
    }

    /// The GET itself, with HTTP failures turned into ``LinkError``.
    private func fetch(_ link: MediaLink, to part: URL, digest: StreamingDigest,
                       progress: (@Sendable (DownloadProgress) -> Void)?) async throws -> HTTPResponse {
        let client: HTTPClient
        do {
            client = try HTTPClient(configuration: .init(connectTimeout: connectTimeout, stallTimeout: stallTimeout,
                                                         retryPolicy: retry))
        } catch {
            throw LinkError.unreachable(link: link.description, host: link.url.host ?? "", detail: error.localizedDescription)
        }
        do {
            return try await client.download(HTTPRequest(.get, link.url), to: part, maxBytes: maxBytes, continuing: true,
                                             progress: progress, observe: { chunk, offset in digest.add(chunk, at: offset) })
        } catch HTTPError.cancelled {
            throw CancellationError()
        } catch let error as HTTPError {
            throw Self.linkError(error, link: link)
        }
    }

    /// Runs `yt-dlp` for a page link, or refuses when it is not installed.
    private func fetchPage(_ link: MediaLink, contentType: String, into store: MediaStore) async throws -> DownloadedLink {
        let fetcher = PageMediaFetcher(environment: environment, maxBytes: maxBytes)
        guard let executable = fetcher.executable else {
            throw LinkError.webPageNeedsYtDlp(link: link.description, contentType: contentType)
        }
        let folder = store.incoming.appendingPathComponent("page-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw LinkError.io(path: folder.path, reason: error.localizedDescription)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try await fetcher.fetch(link, into: folder, executable: executable)
        let size = Int64((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        guard size <= maxBytes else { throw LinkError.tooLarge(link: link.description, limit: maxBytes, size: size) }
        do {
            _ = try MediaProbe.probe(file)
        } catch let error as MediaError {
            throw LinkError.notMedia(link: link.description, detail: "yt-dlp's file: \(error.localizedDescription)")
        }
        let ref = try adopt(file, into: store)
        return DownloadedLink(link: link.description, ref: ref, contentType: contentType, method: .ytDlp)
    }

    private func adopt(_ file: URL, into store: MediaStore, digest: (hash: String, byteCount: Int64)? = nil) throws -> MediaRef {
        do {
            return try store.adopt(file, digest: digest)
        } catch {
            throw LinkError.io(path: file.path, reason: error.errorDescription ?? "\(error)")
        }
    }

    /// An HTTP failure as the link error a user acts on.
    static func linkError(_ error: HTTPError, link: MediaLink) -> LinkError {
        let shown = link.description
        let host = link.url.host ?? ""
        switch error {
        case let .retriesExhausted(_, _, _, last):
            return linkError(last, link: link)
        case let .status(_, _, code, _):
            return .httpStatus(link: shown, code: code)
        case let .tooLarge(_, _, limit, size):
            return .tooLarge(link: shown, limit: limit, size: size)
        case let .connectionFailed(_, _, _, message), let .tlsFailure(_, _, _, message), let .timeout(_, _, _, message),
             let .answerLost(_, _, _, message):
            return .unreachable(link: shown, host: host, detail: message)
        case let .stalled(_, _, seconds, _, received):
            return .timedOut(link: shown, seconds: seconds, received: received, kept: 0)
        case let .redirectRefused(_, _, target):
            return .redirectRefused(link: shown, target: target)
        case let .invalidResponse(_, _, message):
            return .unreachable(link: shown, host: host, detail: "invalid response: \(message)")
        case let .fileError(path, message):
            return .io(path: path, reason: message)
        case .cancelled:
            return .unreachable(link: shown, host: host, detail: "cancelled")
        }
    }

    /// HTML and other page types: the link shows media rather than being it.
    static func isWebPage(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else {
            return false
        }
        return type == "text/html" || type == "application/xhtml+xml"
    }

    /// A type that promises media, so a body probe refuses is damaged media, not a page.
    static func isMediaType(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return false }
        return type.hasPrefix("audio/") || type.hasPrefix("video/")
    }
}
