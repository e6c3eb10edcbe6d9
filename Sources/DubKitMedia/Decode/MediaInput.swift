import CFFmpeg
import Foundation

/// An opened input file (owns its AVFormatContext); failures to open are classified as ``MediaError``s.
final class MediaInput {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String

    /// Packets of a PCM WAV that FFmpeg reads looking for a DTS or AC-3 stream hidden in it.
    static let wavProbePackets = 8

    /// Opens `url` and reads its stream headers; `wavProbePackets` bounds the search for a stream
    /// hidden in PCM WAV (each packet read adds a probe of every demuxer over what was read).
    init(_ url: URL, wavProbePackets: Int = wavProbePackets) throws {
        MediaLibrary.prepare()
        let path = url.path
        // System calls rather than FileManager: its attributes look up the owner's and group's names
        // (reading /etc/passwd and /etc/group) on every open. `stat` follows a symbolic link, so a
        // linked file is measured by what it points to (the link's own size made every linked WAV
        // look truncated).
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else {
            throw MediaError.fileMissing(path: path)
        }
        let size = Int64(info.st_size)
        if size == 0 {
            throw MediaError.zeroLength(path: path)
        }
        let head = Self.head(path)
        if let head, let shortfall = Self.wavShortfall(head, fileSize: size) {
            throw MediaError.corrupt(path: path, detail: shortfall)
        }
        var opened: UnsafeMutablePointer<AVFormatContext>?
        // Our own WAV files (the media store's, without extensions) skip FFmpeg's probing of every
        // demuxer, which is most of the cost of opening a short file.
        let wav = head.map(Self.isWAV) ?? false
        var options: OpaquePointer?
        if wav {
            // PCM in WAV is probed packet by packet for a hidden DTS or AC-3 stream, which sits at
            // its start: a few packets tell, rather than the whole file.
            av_dict_set(&options, "max_probe_packets", String(max(1, wavProbePackets)), 0)
        }
        defer { av_dict_free(&options) }
        let status = avformat_open_input(&opened, path, wav ? Self.wavFormat.pointer : nil, &options)
        guard status >= 0, let opened else {
            throw Self.classify(openFailure: FFmpegCode(status), path: path)
        }
        self.context = opened
        self.path = path
        // A WAV header says all there is to know; reading packets to find out more costs more than
        // the rest of opening a short file.
        let found = wav && Self.takeHeader(opened) ? 0 : avformat_find_stream_info(opened, nil)
        if found < 0 {
            throw MediaError.corrupt(path: path, detail: "cannot read stream headers: \(FFmpegCode(found))")
        }
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&owned)
    }

    /// The stream at `index`, or nil when out of range.
    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream>? {
        guard index >= 0, index < Int(context.pointee.nb_streams) else { return nil }
        return context.pointee.streams[index]
    }

    /// The file's duration in seconds, when the container says.
    var durationSeconds: Double? {
        let duration = context.pointee.duration
        guard duration != cff_nopts_value(), duration > 0 else { return nil }
        return Double(duration) / Double(cff_time_base())
    }

    /// Fills the container's duration and bit rate from a single PCM stream's header; false when the
    /// header does not tell them (then the packets are read as for any file).
    private static func takeHeader(_ context: UnsafeMutablePointer<AVFormatContext>) -> Bool {
        guard context.pointee.nb_streams == 1, let stream = context.pointee.streams[0],
              let parameters = stream.pointee.codecpar, parameters.pointee.sample_rate > 0,
              stream.pointee.duration > 0, stream.pointee.time_base.den > 0 else { return false }
        let seconds = Double(stream.pointee.duration) * Double(stream.pointee.time_base.num) / Double(stream.pointee.time_base.den)
        context.pointee.duration = Int64(seconds * Double(cff_time_base()))
        if context.pointee.bit_rate <= 0 { context.pointee.bit_rate = parameters.pointee.bit_rate }
        return true
    }

    /// FFmpeg's WAV demuxer, looked up once (the lookup compares the names of every demuxer).
    private static let wavFormat = FormatPointer(av_find_input_format("wav"))

    private struct FormatPointer: @unchecked Sendable {
        let pointer: UnsafePointer<AVInputFormat>?
        init(_ pointer: UnsafePointer<AVInputFormat>?) { self.pointer = pointer }
    }

    /// The first 64 KiB of the file (fewer when it is shorter), nil when it cannot be read.
    private static func head(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(descriptor, base + filled, raw.count - filled)
            }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { return nil }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// For a RIFF/WAVE file whose `data` chunk declares more bytes than the file holds, what is
    /// missing; nil for complete files, other formats, and sizes left open by a streaming writer.
    /// (FFmpeg quietly shortens such a file's duration to what is there.) `bytes` is the file's head.
    private static func wavShortfall(_ bytes: [UInt8], fileSize: Int64) -> String? {
        guard var chunks = WAVChunks(head: bytes) else { return nil }
        while let chunk = chunks.next() {
            if chunk.is("data") {
                let available = fileSize - chunk.bodyOffset
                guard chunk.size != 0, chunk.size != UInt32.max, Int64(chunk.size) > available else { return nil }
                return "its header declares \(chunk.size) bytes of audio but the file holds \(max(available, 0))"
            }
        }
        return nil
    }

    /// True when the head read starts with a RIFF/WAVE header.
    private static func isWAV(_ head: [UInt8]) -> Bool {
        WAVChunks.opensRIFFWAVE(head)
    }

    /// Why opening failed: a file that sniffs as a known format is damaged; anything else is not media.
    private static func classify(openFailure code: FFmpegCode, path: String) -> MediaError {
        if code.value == FFmpegCode.noSuchFile {
            return .fileMissing(path: path)
        }
        if let format = sniffFormat(path) {
            return .corrupt(path: path, detail: "looks like \(format) but \(code)")
        }
        if code.value == FFmpegCode.invalidData || code.value == cff_averror_demuxer_not_found() {
            return .notMedia(path: path)
        }
        return .corrupt(path: path, detail: code.description)
    }

    /// The container format the first bytes of the file look like, judged by content only.
    private static func sniffFormat(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        guard !head.isEmpty else { return nil }
        var buffer = [UInt8](head)
        buffer.append(contentsOf: [UInt8](repeating: 0, count: Int(cff_probe_padding())))
        var score: Int32 = 0
        let format = buffer.withUnsafeMutableBufferPointer { bytes -> UnsafePointer<AVInputFormat>? in
            "".withCString { emptyName in
                var probe = AVProbeData()
                probe.filename = emptyName
                probe.buf = bytes.baseAddress
                probe.buf_size = Int32(head.count)
                return av_probe_input_format3(&probe, 1, &score)
            }
        }
        // AVPROBE_SCORE_MAX / 4: below this FFmpeg itself would not trust the guess.
        guard let format, score >= 25 else { return nil }
        return swiftString(format.pointee.name)
    }
}
