import CFFmpeg

/// A channel layout as libavfilter's arguments spell it (`mono`, `stereo`, `5.1`, …).
func channelLayoutName(_ layout: UnsafePointer<AVChannelLayout>) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    guard av_channel_layout_describe(layout, &buffer, buffer.count) > 0 else { return "mono" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
