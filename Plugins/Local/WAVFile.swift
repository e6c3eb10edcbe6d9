import Foundation

/// Reads mono 16-bit PCM WAV in blocks, as Float samples in -1...1.
final class WAVReader {
    let url: URL
    let sampleRate: Int
    /// Number of samples in the file.
    let sampleCount: Int
    /// Whether the format is plain PCM (tag 1) rather than WAVE_FORMAT_EXTENSIBLE, whose sub-format this reader does not check.
    let isPlainPCM: Bool
    private let handle: FileHandle
    private var remainingBytes: Int
    /// Byte offset of the first sample.
    private var dataOffset: UInt64 = 0

    init(url: URL) throws {
        self.url = url
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw LocalEngineError.unreadableAudio(file: url.path, reason: error.localizedDescription)
        }
        func fail(_ reason: String) -> LocalEngineError { .unreadableAudio(file: url.path, reason: reason) }
        do {
            guard let riff = try handle.read(upToCount: 12), riff.count == 12,
                  riff.prefix(4).elementsEqual("RIFF".utf8), riff.dropFirst(8).prefix(4).elementsEqual("WAVE".utf8)
            else { throw fail("not a RIFF/WAVE file") }
            var rate: Int?
            var plain = false
            while true {
                guard let header = try handle.read(upToCount: 8), header.count == 8 else { throw fail("no data chunk") }
                let id = String(decoding: header.prefix(4), as: UTF8.self)
                let size = Int(Self.uint32(header, at: 4))
                if id == "fmt " {
                    guard size >= 16, let fmt = try handle.read(upToCount: size), fmt.count == size else {
                        throw fail("truncated fmt chunk")
                    }
                    let format = Self.uint16(fmt, at: 0), channels = Self.uint16(fmt, at: 2)
                    let bits = Self.uint16(fmt, at: 14)
                    guard format == 1 || format == 0xFFFE, channels == 1, bits == 16 else {
                        throw fail("expected mono 16-bit PCM, found format \(format), \(channels) channels, \(bits) bits")
                    }
                    rate = Int(Self.uint32(fmt, at: 4))
                    plain = format == 1
                    if size % 2 == 1 { _ = try handle.read(upToCount: 1) }
                } else if id == "data" {
                    guard let rate, rate > 0 else { throw fail("data before fmt chunk") }
                    sampleRate = rate
                    isPlainPCM = plain
                    // FFmpeg may leave the size at 0xFFFFFFFF when streaming; fall back to the file's length.
                    let offset = try handle.offset()
                    let end = try handle.seekToEnd()
                    try handle.seek(toOffset: offset)
                    dataOffset = offset
                    let available = Int(end - offset)
                    remainingBytes = min(size, available) & ~1
                    sampleCount = remainingBytes / 2
                    return
                } else {
                    try handle.seek(toOffset: try handle.offset() + UInt64(size + size % 2))
                }
            }
        } catch let error as LocalEngineError {
            throw error
        } catch {
            throw fail(error.localizedDescription)
        }
    }

    deinit { try? handle.close() }

    /// Samples left to read.
    var remainingSamples: Int { remainingBytes / 2 }

    /// Moves to sample `index` (clamped to the file), so the next ``read(_:)`` starts there.
    func seek(toSample index: Int) throws {
        let sample = max(0, min(sampleCount, index))
        do { try handle.seek(toOffset: dataOffset + UInt64(2 * sample)) } catch {
            throw LocalEngineError.unreadableAudio(file: url.path, reason: error.localizedDescription)
        }
        remainingBytes = 2 * (sampleCount - sample)
    }

    /// The next up to `count` samples; empty at the end.
    func read(_ count: Int) throws -> [Float] {
        let bytes = min(count * 2, remainingBytes)
        guard bytes > 0 else { return [] }
        let data: Data
        do {
            guard let read = try handle.read(upToCount: bytes) else { return [] }
            data = read
        } catch {
            throw LocalEngineError.unreadableAudio(file: url.path, reason: error.localizedDescription)
        }
        remainingBytes -= data.count
        let n = data.count / 2
        var out = [Float](repeating: 0, count: n)
        data.withUnsafeBytes { raw in
            for i in 0..<n {
                let v = Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
                out[i] = Float(v) / 32768
            }
        }
        return out
    }

    private static func uint16(_ d: Data, at i: Int) -> UInt16 {
        UInt16(d[d.startIndex + i]) | UInt16(d[d.startIndex + i + 1]) << 8
    }

    private static func uint32(_ d: Data, at i: Int) -> UInt32 {
        UInt32(uint16(d, at: i)) | UInt32(uint16(d, at: i + 2)) << 16
    }
}

/// Writes mono 16-bit PCM WAV in blocks; `finish()` fills in the sizes.
final class WAVWriter {
    let url: URL
    private let handle: FileHandle
    private var dataBytes = 0
    private let sampleRate: Int
    /// Samples beyond full scale so far (written clipped).
    private(set) var clippedSamples = 0

    init(url: URL, sampleRate: Int) throws {
        self.url = url
        self.sampleRate = sampleRate
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url)
        else { throw LocalEngineError.unwritableOutput(file: url.path, reason: "cannot create the file") }
        self.handle = handle
        try write(header())
    }

    deinit { try? handle.close() }

    /// Appends samples, clipped to -1...1.
    func append(_ samples: [Float]) throws {
        var data = Data(count: samples.count * 2)
        var clipped = 0
        data.withUnsafeMutableBytes { raw in
            for (i, s) in samples.enumerated() {
                if abs(s) > 1 { clipped += 1 }
                let v = Int16(max(-32768, min(32767, (s * 32768).rounded())))
                raw.storeBytes(of: v.littleEndian, toByteOffset: 2 * i, as: Int16.self)
            }
        }
        try write(data)
        dataBytes += data.count
        clippedSamples += clipped
    }

    /// Writes the final chunk sizes and closes the file.
    func finish() throws {
        do {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: header())
            try handle.close()
        } catch {
            throw LocalEngineError.unwritableOutput(file: url.path, reason: error.localizedDescription)
        }
    }

    private func write(_ data: Data) throws {
        do { try handle.write(contentsOf: data) } catch {
            throw LocalEngineError.unwritableOutput(file: url.path, reason: error.localizedDescription)
        }
    }

    private func header() -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + dataBytes); d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(1); u32(sampleRate); u32(sampleRate * 2); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(dataBytes)
        return d
    }
}
