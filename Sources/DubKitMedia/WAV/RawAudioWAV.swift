import Foundation

/// Headerless audio (16-bit PCM, 32-bit float, G.711 μ-law and A-law) in and out of WAV files, byte
/// for byte and without decoding: for services that send or take raw samples. Files are copied in 1 MiB pieces.
public enum RawAudioWAV {
    /// How the raw samples are stored.
    public enum Encoding: Sendable, Hashable {
        /// 16-bit signed little-endian PCM (WAV format tag 1).
        case s16le
        /// 8-bit G.711 μ-law (WAV format tag 7).
        case muLaw
        /// 32-bit IEEE float little-endian (WAV format tag 3).
        case f32le
        /// 8-bit G.711 A-law (WAV format tag 6).
        case aLaw

        var formatTag: UInt16 {
            switch self {
            case .s16le: 1
            case .f32le: 3
            case .aLaw: 6
            case .muLaw: 7
            }
        }

        var bytesPerSample: Int {
            switch self {
            case .s16le: 2
            case .f32le: 4
            case .muLaw, .aLaw: 1
            }
        }
    }

    /// What a WAV's `fmt ` chunk declares, and where its samples are.
    public struct Layout: Sendable, Hashable {
        /// 1 PCM, 3 float, 6 A-law, 7 μ-law, 0xFFFE extensible, …
        public var formatTag: Int
        public var sampleRate: Int
        public var channels: Int
        public var bitsPerSample: Int
        /// Offset and length of the `data` chunk's content.
        public var dataOffset: Int64
        public var dataBytes: Int64
    }

    /// Writes `raw` into `destination` as a WAV of `encoding` at `sampleRate`; answers its duration in
    /// seconds. A trailing partial sample frame is left out.
    @discardableResult
    public static func wrap(_ raw: URL, encoding: Encoding, sampleRate: Int, channels: Int = 1,
                            to destination: URL) throws(MediaError) -> Double {
        guard sampleRate > 0, (1...8).contains(channels) else {
            throw .unsupportedOutput(path: destination.path, reason: "\(sampleRate) Hz with \(channels) channels")
        }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: raw.path))?[.size] as? NSNumber else {
            throw .fileMissing(path: raw.path)
        }
        let frame = Int64(encoding.bytesPerSample * channels)
        let dataBytes = size.int64Value / frame * frame
        guard dataBytes <= Int64(UInt32.max) - 60 else {
            throw .unsupportedOutput(path: destination.path, reason: "\(dataBytes) bytes of samples do not fit a WAV file")
        }
        let header = self.header(encoding: encoding, sampleRate: sampleRate, channels: channels, dataBytes: UInt32(dataBytes))
        try copy(from: raw, offset: 0, count: dataBytes, to: destination, prefix: header)
        return Double(dataBytes / frame) / Double(sampleRate)
    }

    /// Reads the layout of a WAV file: its `fmt ` chunk and where its `data` chunk lies.
    public static func layout(of wav: URL) throws(MediaError) -> Layout {
        guard let handle = try? FileHandle(forReadingFrom: wav) else { throw .fileMissing(path: wav.path) }
        defer { try? handle.close() }
        guard var chunks = WAVChunks(read: { offset, count in
            guard (try? handle.seek(toOffset: UInt64(offset))) != nil, let bytes = try? handle.read(upToCount: count) else { return nil }
            return [UInt8](bytes)
        }) else {
            throw .notMedia(path: wav.path)
        }
        var format: WAVChunks.Format?
        while true {
            guard let chunk = chunks.next() else { throw .corrupt(path: wav.path, detail: "no data chunk") }
            if chunk.is("fmt ") {
                guard chunk.size >= 16, let fields = WAVChunks.Format(chunks.body(of: chunk, count: 16)) else {
                    throw .corrupt(path: wav.path, detail: "short fmt chunk")
                }
                format = fields
            } else if chunk.is("data") {
                guard let format else { throw .corrupt(path: wav.path, detail: "data chunk before the fmt chunk") }
                let total = (try? FileManager.default.attributesOfItem(atPath: wav.path))?[.size] as? NSNumber
                let available = (total?.int64Value ?? 0) - chunk.bodyOffset
                // Streamed WAVs announce 0 or 0xFFFFFFFF: the data then runs to the end of the file.
                let declared = Int64(chunk.size)
                let bytes = declared == 0 || declared > available ? max(0, available) : declared
                return Layout(formatTag: Int(format.formatTag), sampleRate: Int(format.sampleRate), channels: Int(format.channels),
                              bitsPerSample: Int(format.bitsPerSample), dataOffset: chunk.bodyOffset, dataBytes: bytes)
            }
        }
    }

    /// Copies the samples of a WAV's `data` chunk to `destination`, headerless; answers the layout.
    @discardableResult
    public static func unwrap(_ wav: URL, to destination: URL) throws(MediaError) -> Layout {
        let layout = try layout(of: wav)
        try copy(from: wav, offset: layout.dataOffset, count: layout.dataBytes, to: destination, prefix: Data())
        return layout
    }

    /// The RIFF/WAVE header of `dataBytes` of samples: the one header writer (``PCMWAVWriter``, ``PCMWAVSlice``
    /// and ``wrap(_:encoding:sampleRate:channels:to:)`` use it). Sizes past 4 GiB are written as the largest a WAV holds.
    static func header(encoding: Encoding, sampleRate: Int, channels: Int, dataBytes: UInt32) -> Data {
        var data = Data()
        func append(_ value: UInt32, _ size: Int) {
            for index in 0..<size { data.append(UInt8((value >> (8 * UInt32(index))) & 0xff)) }
        }
        let bytesPerSample = encoding.bytesPerSample
        // PCM has a 16-byte fmt chunk; other tags add cbSize and a fact chunk (the sample count).
        let extra: UInt32 = encoding == .s16le ? 0 : 2 + 12
        data.append(contentsOf: Array("RIFF".utf8)); append(UInt32(clamping: 36 + UInt64(extra) + UInt64(dataBytes)), 4)
        data.append(contentsOf: Array("WAVEfmt ".utf8)); append(encoding == .s16le ? 16 : 18, 4)
        append(UInt32(encoding.formatTag), 2); append(UInt32(channels), 2); append(UInt32(sampleRate), 4)
        append(UInt32(sampleRate * channels * bytesPerSample), 4); append(UInt32(channels * bytesPerSample), 2)
        append(UInt32(bytesPerSample * 8), 2)
        if encoding != .s16le {
            append(0, 2)
            data.append(contentsOf: Array("fact".utf8)); append(4, 4); append(dataBytes / UInt32(channels * bytesPerSample), 4)
        }
        data.append(contentsOf: Array("data".utf8)); append(dataBytes, 4)
        return data
    }

    private static func copy(from source: URL, offset: Int64, count: Int64, to destination: URL, prefix: Data) throws(MediaError) {
        guard let input = try? FileHandle(forReadingFrom: source) else { throw .fileMissing(path: source.path) }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: destination.path, contents: prefix),
              let output = try? FileHandle(forWritingTo: destination) else {
            throw .writeFailed(path: destination.path, detail: "the file cannot be created")
        }
        defer { try? output.close() }
        do {
            try output.seekToEnd()
            try input.seek(toOffset: UInt64(offset))
            var left = count
            while left > 0 {
                guard let piece = try input.read(upToCount: Int(min(left, 1 << 20))), !piece.isEmpty else { break }
                try output.write(contentsOf: piece)
                left -= Int64(piece.count)
            }
        } catch {
            throw .writeFailed(path: destination.path, detail: error.localizedDescription)
        }
    }
}
