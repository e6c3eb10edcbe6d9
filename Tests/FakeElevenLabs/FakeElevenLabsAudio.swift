import DubKitMedia
import DubKitTestSupport
import Foundation

/// The fake's audio work, done for real with DubKitMedia: the upload decoded (raw PCM wrapped as a
/// 16 kHz WAV first), then encoded as the asked `output_format` — MP3 at its bit rate, headerless
/// 16-bit PCM at its rate, or headerless G.711 μ-law at 8 kHz.
enum FakeElevenLabsAudio {
    struct Rendered {
        var data: Data
        var inputSeconds: Double
    }

    /// The container of a file from its first bytes, nil when none is recognised (raw samples).
    static func sniff(_ head: Data) -> String? {
        let bytes = [UInt8](head)
        if bytes.count >= 12, bytes[0...3] == [0x52, 0x49, 0x46, 0x46], bytes[8...11] == [0x57, 0x41, 0x56, 0x45] { return "wav" }
        if bytes.count >= 4, bytes[0...3] == [0x66, 0x4C, 0x61, 0x43] { return "flac" }
        if bytes.count >= 4, bytes[0...3] == [0x4F, 0x67, 0x67, 0x53] { return "ogg" }
        if bytes.count >= 3, bytes[0...2] == [0x49, 0x44, 0x33] { return "mp3" }
        if bytes.count >= 8, bytes[4...7] == [0x66, 0x74, 0x79, 0x70] { return "mp4" }
        return nil
    }

    /// The answer for `audio` in `outputFormat`, nil when the upload does not decode.
    static func render(_ audio: MultipartFormPart, raw: Bool, container: String?, outputFormat: String,
                       in scratch: TemporaryDirectory) -> Rendered? {
        let id = UUID().uuidString
        let upload = scratch.path("upload-\(id).\(raw ? "pcm" : container ?? "bin")")
        let input = raw ? scratch.path("upload-\(id).wav") : upload
        var made = [upload, input]
        defer { for file in made { try? FileManager.default.removeItem(at: file) } }
        guard FileManager.default.createFile(atPath: upload.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: upload) else { return nil }
        audio.forEachChunk { handle.write($0) }
        try? handle.close()
        if raw {
            guard (try? RawAudioWAV.wrap(upload, encoding: .s16le, sampleRate: 16_000, to: input)) != nil else { return nil }
        }
        let parts = outputFormat.split(separator: "_").map(String.init)
        guard parts.count >= 2, let rate = Int(parts[1]) else { return nil }
        if parts[0] == "mp3" {
            let output = scratch.path("answer-\(id).mp3")
            made.append(output)
            guard let bitRate = parts.count > 2 ? Int(parts[2]) : nil,
                  let extraction = try? AudioExtractor.extractAudio(
                      from: input, to: output,
                      options: AudioExtractionOptions(sampleRate: rate, channels: .mono, format: .mp3, mp3BitRate: bitRate * 1000)),
                  let data = try? Data(contentsOf: output) else { return nil }
            return Rendered(data: data, inputSeconds: extraction.durationSeconds)
        }
        let wav = scratch.path("answer-\(id).wav")
        let samples = scratch.path("answer-\(id).raw")
        made += [wav, samples]
        guard let extraction = try? AudioExtractor.extractAudio(
                  from: input, to: wav, options: AudioExtractionOptions(sampleRate: rate, channels: .mono, encoding: .s16, format: .wav)),
              (try? RawAudioWAV.unwrap(wav, to: samples)) != nil,
              let pcm = try? Data(contentsOf: samples) else { return nil }
        return Rendered(data: parts[0] == "ulaw" ? G711.encode(pcm) : pcm, inputSeconds: extraction.durationSeconds)
    }
}
