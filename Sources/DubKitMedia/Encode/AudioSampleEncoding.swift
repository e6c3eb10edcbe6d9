import CFFmpeg

/// How each sample is stored: 16-bit or 24-bit integers, or 32-bit floats (WAV only; FLAC stores
/// floats as 24-bit, MP3 ignores it).
public enum AudioSampleEncoding: String, Codable, Sendable, CaseIterable {
    case s16, s24, f32

    /// The encoder and its sample format for `format`.
    func encoder(for format: AudioOutputFormat) -> (codec: String, sampleFormat: AVSampleFormat, bitsPerSample: Int32) {
        switch (format, self) {
        case (.wav, .s16): ("pcm_s16le", AV_SAMPLE_FMT_S16, 16)
        case (.wav, .s24): ("pcm_s24le", AV_SAMPLE_FMT_S32, 24)
        case (.wav, .f32): ("pcm_f32le", AV_SAMPLE_FMT_FLT, 32)
        case (.flac, .s16): ("flac", AV_SAMPLE_FMT_S16, 16)
        case (.flac, .s24), (.flac, .f32): ("flac", AV_SAMPLE_FMT_S32, 24)
        case (.mp3, _): ("libmp3lame", AV_SAMPLE_FMT_FLTP, 0)
        case (.m4a, _): ("aac", AV_SAMPLE_FMT_FLTP, 0)
        }
    }
}
