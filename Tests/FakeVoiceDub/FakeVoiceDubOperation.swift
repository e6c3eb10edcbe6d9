extension FakeVoiceDub {
    /// One kind of call the fake answers: the spec's nine operations plus the presigned uploads and
    /// the dub download, which live on URLs the fake hands out.
    public enum Operation: String, Sendable, CaseIterable {
        /// GET /v1/me (spec `getMe`).
        case getMe
        /// GET /v1/voices (spec `getPublicVoices`).
        case listVoices
        /// GET /v1/me/voices/{voiceId} (spec `getVoiceById`).
        case getVoice
        /// POST /v1/me/voices (spec `createVoice`).
        case createVoice
        /// PUT of one training file to an `uploadUrls` entry.
        case uploadVoiceFile
        /// POST /v1/me/voices/{voiceId}/clone (spec `cloneVoice`).
        case cloneVoice
        /// POST /v1/me/dubs (spec `createDub`).
        case createDub
        /// PUT of the dub's audio to its `uploadUrl`.
        case uploadDub
        /// POST /v1/me/dubs/{dubId}/preprocess (spec `preprocessDub`).
        case preprocessDub
        /// POST /v1/me/dubs/{dubId}/generate (spec `generateDub`).
        case generateDub
        /// GET /v1/me/dubs/{dubId} (spec `getDubById`).
        case getDub
        /// GET of a finished dub's `dubUrl`.
        case downloadDub

        /// The spec's operationId, for the operations the spec describes.
        public var operationID: String? {
            switch self {
            case .getMe: "getMe"
            case .listVoices: "getPublicVoices"
            case .getVoice: "getVoiceById"
            case .createVoice: "createVoice"
            case .cloneVoice: "cloneVoice"
            case .createDub: "createDub"
            case .preprocessDub: "preprocessDub"
            case .generateDub: "generateDub"
            case .getDub: "getDubById"
            case .uploadVoiceFile, .uploadDub, .downloadDub: nil
            }
        }

        /// Whether the call goes to a presigned URL (no API key, no rate limit) rather than the API.
        var isPresigned: Bool { operationID == nil }
    }
}
