import DubKit
import DubKitProviderKit
import DubKitMedia
import Foundation

/// The audio Cartesia takes: the containers it accepts as `clip` or as a dataset file, the input
/// staged as it is sent as `clip`, and the encoding a raw answer is wrapped into a WAV with.
enum CartesiaAudio {
    /// Containers Cartesia takes as `clip` or as a dataset file, by FFmpeg's format name: extension and content type.
    static let known: [String: (ext: String, type: String)] = [
        "wav": ("wav", "audio/wav"), "mp3": ("mp3", "audio/mpeg"), "flac": ("flac", "audio/flac"), "ogg": ("ogg", "audio/ogg"),
        "webm": ("webm", "audio/webm"), "matroska": ("webm", "audio/webm"), "mov": ("m4a", "audio/mp4"), "mp4": ("m4a", "audio/mp4"),
        "m4a": ("m4a", "audio/mp4"), "aac": ("aac", "audio/aac"), "asf": ("wma", "audio/x-ms-wma"), "ac3": ("ac3", "audio/ac3"),
    ]

    /// The extension and content type of an audio file, from what FFmpeg finds in it; nil when it is
    /// not audio or not a container Cartesia takes.
    static func kind(of file: URL) -> (ext: String, type: String, seconds: Double?)? {
        guard let info = try? MediaProbe.probe(file), !info.audioStreams.isEmpty else { return nil }
        let names = info.formatName.split(separator: ",").map { String($0).lowercased() }
        guard let match = names.lazy.compactMap({ known[$0] }).first else { return nil }
        return (match.ext, match.type, info.durationSeconds)
    }

    /// Stages `input` into `folder` as it is (linked, or copied), named by its container.
    static func stage(_ input: URL, into folder: URL) throws(CartesiaError) -> StagedInput {
        guard let kind = kind(of: input) else {
            throw .audio(path: input.path, detail: "is not audio in a container Cartesia takes (wav, mp3, flac, ogg, webm, m4a…)")
        }
        guard let seconds = kind.seconds, seconds > 0 else {
            throw .audio(path: input.path, detail: "has no measurable duration")
        }
        let file = folder.appendingPathComponent("input.\(kind.ext)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try StagedInput.place(input, at: file)
        } catch {
            throw .jobState(path: file.path, detail: error.localizedDescription)
        }
        return StagedInput(name: file.lastPathComponent, contentType: kind.type, durationMs: Int64((seconds * 1000).rounded()))
    }

    /// The RawAudioWAV encoding of a Cartesia encoding.
    static func wavEncoding(_ encoding: CartesiaOutputFormat.Encoding) -> RawAudioWAV.Encoding {
        switch encoding {
        case .pcmF32le: .f32le
        case .pcmS16le: .s16le
        case .pcmMulaw: .muLaw
        case .pcmAlaw: .aLaw
        }
    }
}
