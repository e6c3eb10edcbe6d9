import Foundation

/// The public voices GET /v1/voices lists: a deterministic catalogue generated from a count, with
/// names, languages, genres and styles varied so every filter value matches some voices and not others.
struct PublicVoiceCatalogue: Sendable {
    static let languages = ["english", "spanish", "korean", "japanese", "french", "russian", "thai"]
    static let genres = ["pop", "rap", "rock", "country", "rnb", "alternative", "jazz"]
    static let styles = ["singing", "rapping", "speaking", "character", "other"]
    private static let firstNames = ["Aria", "Blaze", "Coral", "Dexter", "Echo", "Flint", "Gale", "Harper",
                                     "Indigo", "Juniper", "Kestrel", "Lumen", "Marlow", "Nova", "Orion",
                                     "Pepper", "Quill", "Rowan", "Sable", "Tempo"]
    private static let lastNames = ["Stone", "Rivers", "Vale", "Hart", "Moon", "Frost", "Bloom", "Reed"]

    let voices: [FakeVoiceDub.PublicVoice]

    init(count: Int) {
        var generator = SplitMix64(seed: 0x5EED_F0C1)
        let epoch = Date(timeIntervalSince1970: 1_700_000_000)
        voices = (0..<max(0, count)).map { index in
            var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            bytes[6] = (bytes[6] & 0x0F) | 0x40
            bytes[8] = (bytes[8] & 0x3F) | 0x80
            let id = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                 bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
                .uuidString.lowercased()
            let name = "\(Self.firstNames[index % Self.firstNames.count]) "
                + "\(Self.lastNames[(index / Self.firstNames.count + index) % Self.lastNames.count])"
            let languages = Self.pick(Self.languages, index: index, count: 1 + index % 2)
            let genres = Self.pick(Self.genres, index: index * 3, count: 1 + (index / 2) % 2)
            let styles = Self.pick(Self.styles, index: index * 2 + 1, count: 1 + (index / 3) % 2)
            let created = epoch.addingTimeInterval(Double(index) * 86_400)
            let format = index % 4 == 3 ? "gif" : "webp"
            return FakeVoiceDub.PublicVoice(
                id: id, name: name, languages: languages, genres: genres, styles: styles, avatarFormat: format,
                createdAt: created, updatedAt: created.addingTimeInterval(3600),
                avatarURL: "https://cdn.voicedub.ai/avatars/\(id).\(format)")
        }
    }

    private static func pick(_ values: [String], index: Int, count: Int) -> [String] {
        (0..<count).map { values[(index + $0 * 3) % values.count] }
    }

    /// The voices matching every given filter (values inside one filter OR'd), in catalogue order.
    func matching(search: String?, genres: [String], languages: [String], styles: [String]) -> [FakeVoiceDub.PublicVoice] {
        voices.filter { voice in
            (search.map { voice.name.localizedCaseInsensitiveContains($0) } ?? true)
                && (genres.isEmpty || !Set(genres).isDisjoint(with: voice.genres))
                && (languages.isEmpty || !Set(languages).isDisjoint(with: voice.languages))
                && (styles.isEmpty || !Set(styles).isDisjoint(with: voice.styles))
        }
    }

    /// Whether `id` names a public voice.
    func contains(_ id: String) -> Bool {
        voices.contains { $0.id == id }
    }
}

extension FakeVoiceDub {
    /// One voice of the public catalogue, as GET /v1/voices lists it (`VoicePublic`).
    public struct PublicVoice: Sendable, Equatable {
        /// The id (lowercase UUID).
        public var id: String
        /// The display name.
        public var name: String
        /// Languages from the spec's enum.
        public var languages: [String]
        /// Genres from the spec's enum.
        public var genres: [String]
        /// Styles from the spec's enum.
        public var styles: [String]
        /// `webp` or `gif`.
        public var avatarFormat: String
        /// When the voice was created.
        public var createdAt: Date
        /// When the voice was last changed.
        public var updatedAt: Date
        /// Where the avatar would be (a CDN host, never fetched).
        public var avatarURL: String

        /// The `VoicePublic` JSON object.
        var node: JSONNode {
            .object([
                "id": .string(id), "name": .string(name),
                "languages": .array(languages.map(JSONNode.string)),
                "genres": .array(genres.map(JSONNode.string)),
                "styles": .array(styles.map(JSONNode.string)),
                "avatarFormat": .string(avatarFormat),
                "createdAt": .string(Timestamp.string(createdAt)),
                "updatedAt": .string(Timestamp.string(updatedAt)),
                "avatarUrl": .string(avatarURL),
            ])
        }
    }
}
