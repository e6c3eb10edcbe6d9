import Foundation

/// The one place a RIFF/WAVE header is parsed: the `RIFF…WAVE` opening, then its chunks in order
/// (id, declared size, where the body starts), and the fields of a `fmt ` chunk. Each reader applies
/// its own rules on top (``RawAudioWAV/layout(of:)``, ``PCMWAVReader``, the truncation check of a
/// media input); the header is written by ``RawAudioWAV/header(encoding:sampleRate:channels:dataBytes:)``.
struct WAVChunks: Sequence, IteratorProtocol {
    /// One chunk: its four-byte id, the size its header declares, and the offset of its body.
    struct Chunk {
        let id: ArraySlice<UInt8>
        let size: UInt32
        let bodyOffset: Int64

        /// True when the chunk's id is `name` (four ASCII letters, such as `fmt ` or `data`).
        func `is`(_ name: String) -> Bool { id.elementsEqual(name.utf8) }
    }

    /// What a `fmt ` chunk's first 16 bytes declare.
    struct Format {
        let formatTag: UInt16
        let channels: UInt16
        let sampleRate: UInt32
        let blockAlign: UInt16
        let bitsPerSample: UInt16

        /// The fields of `body` (at least 16 bytes), nil when it is shorter.
        init?<Bytes: Collection<UInt8>>(_ body: Bytes) {
            let bytes = Array(body.prefix(16))
            guard bytes.count == 16 else { return nil }
            formatTag = WAVChunks.word16(bytes, 0)
            channels = WAVChunks.word16(bytes, 2)
            sampleRate = WAVChunks.word32(bytes, 4)
            blockAlign = WAVChunks.word16(bytes, 12)
            bitsPerSample = WAVChunks.word16(bytes, 14)
        }
    }

    /// Reads up to `count` bytes at an offset of the file; fewer (or nil) past its end.
    typealias Read = (_ offset: Int64, _ count: Int) -> [UInt8]?

    private let read: Read
    private var offset: Int64 = 12

    /// The chunks of a file read through `read`; nil unless it opens with `RIFF…WAVE`.
    init?(read: @escaping Read) {
        guard let opening = read(0, 12), Self.opensRIFFWAVE(opening) else { return nil }
        self.read = read
    }

    /// The chunks whose headers lie within `head` (the first bytes of a file); nil unless it opens with `RIFF…WAVE`.
    init?(head: [UInt8]) {
        self.init(read: { offset, count in
            guard offset >= 0, offset < Int64(head.count) else { return nil }
            let start = Int(offset)
            return Array(head[start..<Swift.min(head.count, start + count)])
        })
    }

    /// True when `bytes` start with a RIFF/WAVE opening (`RIFF`, a size, `WAVE`).
    static func opensRIFFWAVE<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        let opening = Array(bytes.prefix(12))
        return opening.count == 12 && opening[0..<4].elementsEqual("RIFF".utf8) && opening[8..<12].elementsEqual("WAVE".utf8)
    }

    /// The next chunk, nil when its 8-byte header cannot be read whole. Chunks are padded to even sizes.
    mutating func next() -> Chunk? {
        guard let header = read(offset, 8), header.count == 8 else { return nil }
        let size = Self.word32(header, 4)
        let chunk = Chunk(id: header[0..<4], size: size, bodyOffset: offset + 8)
        offset += 8 + Int64(size) + Int64(size & 1)
        return chunk
    }

    /// The body bytes of `chunk`, at most `count` of them, read through the same source.
    func body(of chunk: Chunk, count: Int) -> [UInt8] { read(chunk.bodyOffset, count) ?? [] }

    static func word16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }

    static func word32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(word16(bytes, at)) | UInt32(word16(bytes, at + 2)) << 16
    }
}
