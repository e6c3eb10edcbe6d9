import CFFmpeg

/// Where an encoder's packets go: one stream of a muxer.
protocol EncodedPacketSink {
    /// Writes one encoded packet whose timestamps are in `timeBase`.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational) throws
}

extension OutputContainer: EncodedPacketSink {}
