import DubKitMedia
import DubKitTestSupport
import Foundation

/// The fake's audio work, done for real with DubKitMedia: the clip decoded, then encoded as the asked
/// output format — MP3 at its bit rate, or samples (16-bit, 32-bit float, G.711 μ-law or A-law) at
/// the asked rate, bare for `raw` or behind a WAV header for `wav`.
enum FakeCartesiaAudio {
    struct Rendered {
        var data: Data
        var inputSeconds: Double
    }

    /// Bytes a sample of `encoding` takes.
    static func bytesPerSample(_ encoding: String) -> Int {
        switch encoding {
        case "pcm_f32le": 4
        case "pcm_s16le": 2
        default: 1
        }
    }

    /// Writes a part to a scratch file, for decoding.
    static func write(_ part: MultipartFormPart, to url: URL) -> Bool {
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
            return false
        }
        part.forEachChunk { handle.write($0) }
        try? handle.close()
        return true
    }

    /// The answer for `clip` in the asked format, nil when the clip does not decode or cannot be encoded so.
    static func render(_ clip: MultipartFormPart, container: String, encoding: String?, sampleRate: Int, bitRate: Int?,
                       in scratch: TemporaryDirectory) -> Rendered? {
        let id = UUID().uuidString
        let input = scratch.path("clip-\(id)")
        var made = [input]
        defer { for file in made { try? FileManager.default.removeItem(at: file) } }
        guard write(clip, to: input) else { return nil }
        if container == "mp3" {
            let output = scratch.path("answer-\(id).mp3")
            made.append(output)
            guard let extraction = try? AudioExtractor.extractAudio(
                      from: input, to: output,
                      options: AudioExtractionOptions(sampleRate: sampleRate, channels: .mono, format: .mp3, mp3BitRate: bitRate ?? 128_000)),
                  let data = try? Data(contentsOf: output) else { return nil }
            return Rendered(data: data, inputSeconds: extraction.durationSeconds)
        }
        let encoding = encoding ?? "pcm_s16le"
        let wav = scratch.path("answer-\(id).wav")
        let samples = scratch.path("answer-\(id).raw")
        made += [wav, samples]
        guard let extraction = try? AudioExtractor.extractAudio(
                  from: input, to: wav,
                  options: AudioExtractionOptions(sampleRate: sampleRate, channels: .mono, encoding: encoding == "pcm_f32le" ? .f32 : .s16,
                                                  format: .wav)),
              (try? RawAudioWAV.unwrap(wav, to: samples)) != nil,
              let pcm = try? Data(contentsOf: samples) else { return nil }
        let raw: Data = switch encoding {
        case "pcm_mulaw": G711.encode(pcm)
        case "pcm_alaw": G711.encode(pcm, aLaw: true)
        default: pcm
        }
        guard container == "wav" else { return Rendered(data: raw, inputSeconds: extraction.durationSeconds) }
        let bare = scratch.path("answer-\(id).bare"), wrapped = scratch.path("answer-\(id).out.wav")
        made += [bare, wrapped]
        let kind: RawAudioWAV.Encoding = switch encoding {
        case "pcm_f32le": .f32le
        case "pcm_mulaw": .muLaw
        case "pcm_alaw": .aLaw
        default: .s16le
        }
        guard (try? raw.write(to: bare)) != nil,
              (try? RawAudioWAV.wrap(bare, encoding: kind, sampleRate: sampleRate, to: wrapped)) != nil,
              let data = try? Data(contentsOf: wrapped) else { return nil }
        return Rendered(data: data, inputSeconds: extraction.durationSeconds)
    }
}
