import Foundation

/// The samples of a 16-bit PCM WAV as floats in -1...1, read in blocks straight from its `data` chunk
/// (interleaved when it has more than one channel), with seeking: for signal processing that passes
/// over a file more than once. The header is read by ``RawAudioWAV/layout(of:)`` (a streamed WAV's
/// unset data size runs to the end of the file); ``PCMWAVWriter`` writes what this reads.
public final class PCMWAVSampleReader {
    /// The file read.
    public let url: URL
    /// What its `fmt ` chunk declares and where its samples lie.
    public let layout: RawAudioWAV.Layout
    /// Sample frames (samples of every channel at one instant) in the file.
    public let frameCount: Int
    private let handle: FileHandle
    private var position = 0

    /// Opens `url`: a WAV of 16-bit samples, format tag 1 (PCM) or 0xFFFE (extensible, whose
    /// sub-format is not checked: ``isPlainPCM`` tells them apart).
    public init(_ url: URL) throws(MediaError) {
        let layout = try RawAudioWAV.layout(of: url)
        guard layout.formatTag == 1 || layout.formatTag == 0xFFFE, layout.bitsPerSample == 16, layout.channels > 0,
              layout.sampleRate > 0 else {
            throw .unsupportedCodec(path: url.path, codec: "WAV format \(layout.formatTag), \(layout.bitsPerSample)-bit, "
                                        + "\(layout.channels) channels (16-bit PCM expected)")
        }
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw .fileMissing(path: url.path) }
        do { try handle.seek(toOffset: UInt64(layout.dataOffset)) } catch {
            throw .corrupt(path: url.path, detail: "cannot reach the data chunk: \(error.localizedDescription)")
        }
        self.url = url
        self.layout = layout
        self.handle = handle
        frameCount = Int(layout.dataBytes / Int64(2 * layout.channels))
    }

    deinit { try? handle.close() }

    /// Samples per second.
    public var sampleRate: Int { layout.sampleRate }
    /// Channels interleaved in what ``read(_:)`` returns.
    public var channels: Int { layout.channels }
    /// True for format tag 1 (plain PCM) rather than WAVE_FORMAT_EXTENSIBLE.
    public var isPlainPCM: Bool { layout.formatTag == 1 }
    /// Sample frames left to read.
    public var remainingFrames: Int { frameCount - position }

    /// Moves to sample frame `frame` (clamped to the file), where the next ``read(_:)`` starts.
    public func seek(toFrame frame: Int) throws(MediaError) {
        let target = max(0, min(frameCount, frame))
        do { try handle.seek(toOffset: UInt64(layout.dataOffset) + UInt64(2 * layout.channels * target)) } catch {
            throw .corrupt(path: url.path, detail: "cannot seek to sample frame \(target): \(error.localizedDescription)")
        }
        position = target
    }

    /// The next up to `frames` sample frames (interleaved); empty at the end of the data.
    public func read(_ frames: Int) throws(MediaError) -> [Float] {
        let wanted = max(0, min(frames, remainingFrames)) * channels
        guard wanted > 0 else { return [] }
        let data: Data
        do {
            guard let read = try handle.read(upToCount: 2 * wanted) else { return [] }
            data = read
        } catch {
            throw .corrupt(path: url.path, detail: error.localizedDescription)
        }
        let count = data.count / (2 * channels) * channels
        position += count / channels
        return [Float](unsafeUninitializedCapacity: count) { output, initialised in
            data.withUnsafeBytes { raw in
                for index in 0..<count {
                    output[index] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: Int16.self))) / 32768
                }
            }
            initialised = count
        }
    }
}
