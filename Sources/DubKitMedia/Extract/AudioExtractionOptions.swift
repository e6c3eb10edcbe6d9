/// What to extract and how to write it.
public struct AudioExtractionOptions: Sendable, Equatable {
    /// Output sample rate in Hz; nil keeps the source's rate.
    public var sampleRate: Int?
    public var channels: AudioChannelMode
    public var encoding: AudioSampleEncoding
    /// The output file type; nil takes it from the output's extension.
    public var format: AudioOutputFormat?
    public var stream: AudioStreamSelection
    /// MP3 bit rate in bits per second.
    public var mp3BitRate: Int
    /// Effects applied in order before writing (see ``AudioProcessor``).
    public var filters: [AudioFilter]
    /// When true, packets that fail to decode are skipped (and counted in the result) and a file
    /// that ends early is kept as far as it goes; by default either is ``MediaError/corrupt(path:detail:)``.
    public var toleratesDamage: Bool
    /// Only this stretch of the input is written, cut to the sample; nil for the whole input.
    public var window: MediaWindow?

    /// Defaults: keep rate and channels, 16-bit, format from the extension, first audio stream.
    public init(
        sampleRate: Int? = nil, channels: AudioChannelMode = .keep, encoding: AudioSampleEncoding = .s16,
        format: AudioOutputFormat? = nil, stream: AudioStreamSelection = .first, mp3BitRate: Int = 192_000,
        filters: [AudioFilter] = [], toleratesDamage: Bool = false
    ) {
        self.filters = filters
        self.toleratesDamage = toleratesDamage
        self.sampleRate = sampleRate
        self.channels = channels
        self.encoding = encoding
        self.format = format
        self.stream = stream
        self.mp3BitRate = mp3BitRate
    }
}
