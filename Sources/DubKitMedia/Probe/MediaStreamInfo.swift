import CFFmpeg

/// One stream of a media file as `dubkit media probe` reports it; fields that do not apply are nil.
public struct MediaStreamInfo: Codable, Sendable, Equatable {
    public var index: Int
    public var kind: MediaStreamKind
    public var codecName: String
    public var durationSeconds: Double?
    public var sampleRate: Int?
    public var channels: Int?
    public var channelLayout: String?
    public var language: String?
    public var frameRate: Double?
    public var width: Int?
    public var height: Int?
    public var bitRate: Int?
    public var isDefault: Bool

    init(_ stream: UnsafeMutablePointer<AVStream>) {
        let parameters = stream.pointee.codecpar
        let kind = parameters.map { MediaStreamKind($0.pointee.codec_type) } ?? .unknown
        self.index = Int(stream.pointee.index)
        self.kind = kind
        self.codecName = parameters.flatMap { swiftString(avcodec_get_name($0.pointee.codec_id)) } ?? "none"
        self.durationSeconds = Self.seconds(stream.pointee.duration, stream.pointee.time_base)
        self.language = swiftString(av_dict_get(stream.pointee.metadata, "language", nil, 0)?.pointee.value)
        self.isDefault = (stream.pointee.disposition & cff_disposition_default()) != 0
        if let parameters {
            let bitRate = parameters.pointee.bit_rate
            self.bitRate = bitRate > 0 ? Int(bitRate) : nil
        }
        if kind == .audio, let parameters {
            self.sampleRate = Int(parameters.pointee.sample_rate)
            self.channels = Int(parameters.pointee.ch_layout.nb_channels)
            var buffer = [CChar](repeating: 0, count: 128)
            if av_channel_layout_describe(&parameters.pointee.ch_layout, &buffer, buffer.count) > 0 {
                self.channelLayout = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        if kind == .video, let parameters {
            self.width = Int(parameters.pointee.width)
            self.height = Int(parameters.pointee.height)
            let rate = stream.pointee.avg_frame_rate.num != 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
            if rate.num > 0, rate.den > 0 {
                self.frameRate = Double(rate.num) / Double(rate.den)
            }
        }
    }

    static func seconds(_ value: Int64, _ base: AVRational) -> Double? {
        guard value != cff_nopts_value(), value >= 0, base.den != 0 else { return nil }
        return Double(value) * Double(base.num) / Double(base.den)
    }
}
