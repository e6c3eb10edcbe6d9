import Foundation

/// The S3-style presigned URLs the fake hands out for uploads and downloads: a path naming what the
/// URL is for, and `X-Amz-Expires`/`X-Amz-Signature` query parameters; the signature is a random
/// token the fake remembers with its purpose and expiry.
struct PresignedURLs: Sendable {
    /// What a URL may be used for.
    enum Purpose: Sendable, Equatable {
        case dubInput(dubID: String)
        case voiceFile(voiceID: String, index: Int)
        case dubResult(dubID: String)

        var path: String {
            switch self {
            case .dubInput(let id): "/presigned/dubs/\(id)/input"
            case .voiceFile(let id, let index): "/presigned/voices/\(id)/files/\(index)"
            case .dubResult(let id): "/presigned/dubs/\(id)/dub.wav"
            }
        }

        /// The purpose a presigned path names, nil for other paths.
        init?(path: String) {
            let parts = path.split(separator: "/").map(String.init)
            guard parts.count >= 4, parts[0] == "presigned" else { return nil }
            switch (parts[1], parts.count) {
            case ("dubs", 4) where parts[3] == "input": self = .dubInput(dubID: parts[2])
            case ("dubs", 4) where parts[3] == "dub.wav": self = .dubResult(dubID: parts[2])
            case ("voices", 5) where parts[3] == "files":
                guard let index = Int(parts[4]) else { return nil }
                self = .voiceFile(voiceID: parts[2], index: index)
            default: return nil
            }
        }
    }

    /// Why a presigned request is refused (S3 answers 403 with an XML body).
    enum Refusal: Error, Sendable {
        case expired, badSignature

        var xml: String {
            switch self {
            case .expired:
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                    + "<Message>Request has expired</Message></Error>"
            case .badSignature:
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>"
                    + "<Message>The request signature we calculated does not match the signature you provided.</Message></Error>"
            }
        }
    }

    private var tokens: [String: (purpose: Purpose, expires: Date)] = [:]

    /// A new URL for `purpose` on `base`, valid for `lifetime` seconds from `now`.
    mutating func issue(_ purpose: Purpose, base: URL, lifetime: TimeInterval, now: Date) -> (url: String, expires: Date) {
        let token = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
        let expires = now.addingTimeInterval(lifetime)
        tokens[token] = (purpose, expires)
        let root = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
        let url = "\(root)\(purpose.path)?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=\(Int(lifetime))"
            + "&X-Amz-Signature=\(token)"
        return (url, expires)
    }

    /// Checks that `signature` was issued for `purpose` and has not expired.
    func check(_ purpose: Purpose, signature: String?, now: Date) throws(Refusal) {
        guard let signature, let entry = tokens[signature], entry.purpose == purpose else { throw .badSignature }
        guard now < entry.expires else { throw .expired }
    }
}
