/// Which operation a request's method and path name, with the dub or voice id in the path.
struct VoiceDubRoute: Sendable, Equatable {
    var operation: FakeVoiceDub.Operation
    /// The `{dubId}` or `{voiceId}` path segment as sent (not yet validated).
    var id: String?
    /// The presigned purpose, for uploads and downloads.
    var purpose: PresignedURLs.Purpose?

    /// The route for `method` and `path`; nil for anything the API does not have.
    init?(method: String, path rawPath: String) {
        let path = rawPath.count > 1 && rawPath.hasSuffix("/") ? String(rawPath.dropLast()) : rawPath
        let parts = path.split(separator: "/").map(String.init)
        if let purpose = PresignedURLs.Purpose(path: path) {
            switch (method, purpose) {
            case ("PUT", .dubInput(let id)): self.init(.uploadDub, id: id, purpose: purpose)
            case ("PUT", .voiceFile(let id, _)): self.init(.uploadVoiceFile, id: id, purpose: purpose)
            case ("GET", .dubResult(let id)): self.init(.downloadDub, id: id, purpose: purpose)
            default: return nil
            }
            return
        }
        var shape = parts
        let id = parts.count > 3 ? parts[3] : nil
        if parts.count > 3 { shape[3] = "{id}" }
        switch "\(method) /\(shape.joined(separator: "/"))" {
        case "GET /v1/me": self.init(.getMe)
        case "GET /v1/voices": self.init(.listVoices)
        case "POST /v1/me/voices": self.init(.createVoice)
        case "GET /v1/me/voices/{id}": self.init(.getVoice, id: id)
        case "POST /v1/me/voices/{id}/clone": self.init(.cloneVoice, id: id)
        case "POST /v1/me/dubs": self.init(.createDub)
        case "GET /v1/me/dubs/{id}": self.init(.getDub, id: id)
        case "POST /v1/me/dubs/{id}/preprocess": self.init(.preprocessDub, id: id)
        case "POST /v1/me/dubs/{id}/generate": self.init(.generateDub, id: id)
        default: return nil
        }
    }

    private init(_ operation: FakeVoiceDub.Operation, id: String? = nil, purpose: PresignedURLs.Purpose? = nil) {
        self.operation = operation
        self.id = id
        self.purpose = purpose
    }
}
