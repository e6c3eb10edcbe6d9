import CFFmpeg

/// Owns one AVPacket, reused for every read.
final class MediaPacket {
    let pointer: UnsafeMutablePointer<AVPacket>

    init(path: String) throws {
        guard let packet = av_packet_alloc() else {
            throw MediaError.processingFailed(path: path, detail: "out of memory allocating a packet")
        }
        pointer = packet
    }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&owned)
    }
}
