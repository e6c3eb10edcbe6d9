import DubKitMedia
import Foundation

/// The audio on both sides of a conversion: the input staged as it is sent as `clip`, and the answer
/// stored so it decodes (raw samples wrapped into a WAV of their encoding and rate), checked against
/// the format asked for.
enum CartesiaAudio {
    /// The staged input: its name in the folder, the content type it is sent with, its length.
    struct Staged {
        var name: String
        var contentType: String
        var durationMs: Int64
    }

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
    static func stage(_ input: URL, into folder: URL) throws(CartesiaError) -> Staged {
        guard let kind = kind(of: input) else {
            throw .audio(path: input.path, detail: "is not audio in a container Cartesia takes (wav, mp3, flac, ogg, webm, m4a…)")
        }
        guard let seconds = kind.seconds, seconds > 0 else {
            throw .audio(path: input.path, detail: "has no measurable duration")
        }
        let file = folder.appendingPathComponent("input.\(kind.ext)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: file)
            do { try FileManager.default.linkItem(at: input, to: file) } catch { try FileManager.default.copyItem(at: input, to: file) }
        } catch {
            throw .jobState(path: file.path, detail: error.localizedDescription)
        }
        return Staged(name: file.lastPathComponent, contentType: kind.type, durationMs: Int64((seconds * 1000).rounded()))
    }

    /// Turns the answer's bytes in `part` into the stored result `destination`: raw samples wrapped
    /// into a WAV of their encoding, WAV and MP3 as they are. Refused when the result does not decode
    /// as the asked codec at the asked rate.
    static func store(_ part: URL, format: CartesiaOutputFormat, to destination: URL, operation: String) throws(CartesiaError) {
        try? FileManager.default.removeItem(at: destination)
        let size = ((try? FileManager.default.attributesOfItem(atPath: part.path))?[.size] as? NSNumber)?.int64Value ?? 0
        guard size > 0 else { throw .invalidResponse(operation: operation, detail: "200 with no audio") }
        do {
            switch format.container {
            case .mp3, .wav:
                try FileManager.default.moveItem(at: part, to: destination)
            case .raw:
                try RawAudioWAV.wrap(part, encoding: wavEncoding(format.encoding ?? .pcmS16le), sampleRate: format.sampleRate, to: destination)
            }
        } catch {
            throw .jobState(path: destination.path, detail: "the answer could not be stored (\(error.localizedDescription))")
        }
        try? FileManager.default.removeItem(at: part)
        let stream: MediaStreamInfo?
        do {
            stream = try MediaProbe.probe(destination).audioStreams.first
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw .invalidResponse(operation: operation, detail: "the answer is not \(format) audio (\(error.localizedDescription))")
        }
        guard let stream, stream.sampleRate == format.sampleRate, stream.codecName == format.codecName else {
            try? FileManager.default.removeItem(at: destination)
            throw .invalidResponse(operation: operation,
                                   detail: "the answer is not \(format) audio (\(stream.map { "\($0.codecName) at \($0.sampleRate ?? 0) Hz" } ?? "no audio stream"))")
        }
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
