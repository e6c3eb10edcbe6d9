import CFFmpeg

/// One stream of a ``VideoOutputContainer``, as the place an encoder writes its packets.
struct MuxerStream: EncodedPacketSink {
    let container: VideoOutputContainer
    let stream: UnsafeMutablePointer<AVStream>

    func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational) throws {
        try container.write(packet, timeBase: timeBase, to: stream)
    }
}
