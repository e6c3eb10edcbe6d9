import CFFmpeg
import Foundation

/// The audio of a plain 16-bit PCM RIFF/WAVE file read straight from its `data` chunk, in the
/// blocks FFmpeg's WAV demuxer would hand out (4096 bytes, whole sample frames), as S16 frames:
/// what decoding the file through FFmpeg gives, without opening it there (which, for such a file,
/// reads its first packets through every demuxer's probe looking for a stream hidden in the PCM).
///
/// Only a file whose header is unambiguous qualifies: format tag 1, 16 bits, 1 to 8 channels,
/// block align of 2 bytes a channel, a `fmt ` chunk then a non-empty `data` chunk of whole sample
/// frames that the file holds entirely, within its first 64 KiB of headers. ``reader(for:)`` is nil
/// for anything else, which is then opened through FFmpeg as before.
final class PCMWAVReader {
    let path: String
    let sampleRate: Int32
    let channels: Int32
    private let descriptor: Int32
    private var offset: Int64
    private var remaining: Int64
    private let blockBytes: Int
    /// FFmpeg's WAV demuxer's packet size for this file.
    private let packetBytes: Int
    private let frame: MediaFrame
    private var layout = AVChannelLayout()

    /// The reader for `url`, or nil when it is not such a file (or cannot be read).
    static func reader(for url: URL) -> PCMWAVReader? {
        let path = url.path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              let format = Self.format(descriptor, fileSize: Int64(info.st_size)),
              let reader = try? PCMWAVReader(path: path, descriptor: descriptor, format: format) else {
            close(descriptor)
            return nil
        }
        return reader
    }

    private struct Format {
        var sampleRate: Int32, channels: Int32, dataOffset: Int64, dataSize: Int64
    }

    private init(path: String, descriptor: Int32, format: Format) throws {
        self.path = path
        self.descriptor = descriptor
        sampleRate = format.sampleRate
        channels = format.channels
        offset = format.dataOffset
        remaining = format.dataSize
        blockBytes = Int(format.channels) * 2
        packetBytes = max(4096 / blockBytes, 1) * blockBytes
        cff_default_layout(&layout, format.channels)
        frame = try MediaFrame(path: path, capacity: Int32(packetBytes / blockBytes), format: AV_SAMPLE_FMT_S16,
                               layout: &layout, sampleRate: format.sampleRate)
    }

    deinit {
        close(descriptor)
        av_channel_layout_uninit(&layout)
    }

    /// The next block as an S16 frame (valid until the next call), nil at the end of the data.
    func next() throws -> UnsafeMutablePointer<AVFrame>? {
        guard remaining > 0 else { return nil }
        let bytes = Int(min(Int64(packetBytes), remaining))
        guard let base = frame.pointer.pointee.data.0 else {
            throw MediaError.processingFailed(path: path, detail: "the sample buffer is missing")
        }
        var filled = 0
        while filled < bytes {
            let got = pread(descriptor, base + filled, bytes - filled, off_t(offset) + off_t(filled))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw MediaError.corrupt(path: path, detail: "the audio data ends before its header says it does")
            }
            filled += got
        }
        offset += Int64(bytes)
        remaining -= Int64(bytes)
        frame.pointer.pointee.nb_samples = Int32(bytes / blockBytes)
        return frame.pointer
    }

    /// The format of a qualifying file, read from its first 64 KiB.
    private static func format(_ descriptor: Int32, fileSize: Int64) -> Format? {
        var head = [UInt8](repeating: 0, count: 1 << 16)
        let count = head.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return pread(descriptor, base, raw.count, 0)
        }
        guard count >= 12, var chunks = WAVChunks(head: Array(head.prefix(count))) else { return nil }
        var found: WAVChunks.Format?
        while let chunk = chunks.next() {
            if chunk.is("fmt ") {
                guard found == nil, chunk.size >= 16, let format = WAVChunks.Format(chunks.body(of: chunk, count: 16)) else { return nil }
                let channels = UInt32(format.channels)
                guard format.formatTag == 1, format.bitsPerSample == 16, (1...8).contains(channels),
                      UInt32(format.blockAlign) == channels * 2, format.sampleRate > 0,
                      format.sampleRate <= UInt32(Int32.max) else { return nil }
                found = format
            } else if chunk.is("data") {
                // Whole sample frames only: FFmpeg's decoder refuses a packet with a partial one.
                guard let found, chunk.size > 0, chunk.size != UInt32.max, chunk.size % (UInt32(found.channels) * 2) == 0,
                      chunk.bodyOffset + Int64(chunk.size) <= fileSize else { return nil }
                return Format(sampleRate: Int32(found.sampleRate), channels: Int32(found.channels),
                              dataOffset: chunk.bodyOffset, dataSize: Int64(chunk.size))
            }
        }
        return nil
    }
}
