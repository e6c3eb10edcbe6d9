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
        case "pcm_mulaw": g711(pcm, aLaw: false)
        case "pcm_alaw": g711(pcm, aLaw: true)
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

    /// G.711 of 16-bit little-endian samples: μ-law (bias 0x84, clip 32635) or A-law (ITU reference).
    static func g711(_ pcm: Data, aLaw: Bool) -> Data {
        var out = Data(capacity: pcm.count / 2)
        pcm.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var index = 0
            while index + 1 < raw.count {
                let sample = Int(Int16(bitPattern: UInt16(raw[index]) | UInt16(raw[index + 1]) << 8))
                out.append(aLaw ? Self.aLaw(sample) : Self.muLaw(sample))
                index += 2
            }
        }
        return out
    }

    static func muLaw(_ sample: Int) -> UInt8 {
        let sign = sample < 0 ? 0x80 : 0
        var magnitude = min(abs(sample), 32635) + 0x84
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && magnitude & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        magnitude = (magnitude >> (exponent + 3)) & 0x0F
        return UInt8(~(sign | exponent << 4 | magnitude) & 0xFF)
    }

    static func aLaw(_ sample: Int) -> UInt8 {
        let sign = sample >= 0 ? 0x80 : 0
        let magnitude = min(sample >= 0 ? sample : -sample - 1, 32767) >> 3
        var encoded: Int
        if magnitude < 32 {
            encoded = magnitude >> 1
        } else {
            var exponent = 1
            var shifted = magnitude >> 5
            while shifted > 1 && exponent < 7 {
                shifted >>= 1
                exponent += 1
            }
            encoded = exponent << 4 | ((magnitude >> exponent) & 0x0F)
        }
        return UInt8((encoded | sign) ^ 0x55)
    }
}
