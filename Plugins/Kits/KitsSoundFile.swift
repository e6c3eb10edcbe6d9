import DubKitMedia
import Foundation

/// Makes the `soundFile` of a conversion: the input as it is when it is a wav, mp3 or flac within
/// the size limit, else converted to FLAC, else to MP3; refused when even that is too large.
enum KitsSoundFile {
    /// The staged file in `folder` and its duration in milliseconds.
    static func stage(_ input: URL, into folder: URL, maxBytes: Int64) async throws(KitsError) -> (file: URL, durationMs: Int64) {
        let info: MediaInfo
        do {
            info = try MediaProbe.probe(input)
        } catch {
            throw .soundFile(path: input.path, detail: "cannot be read as media (\(error.localizedDescription))")
        }
        guard !info.audioStreams.isEmpty else {
            throw .soundFile(path: input.path, detail: "has no audio stream; give a file with speech in it")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .jobState(path: folder.path, detail: error.localizedDescription)
        }
        let names = info.formatName.split(separator: ",").map { String($0).lowercased() }
        if let format = KitsDescriptor.soundFileFormats.first(where: { names.contains($0) }), size(input) <= maxBytes {
            let staged = folder.appendingPathComponent("sound.\(format)")
            do {
                try? FileManager.default.removeItem(at: staged)
                do { try FileManager.default.linkItem(at: input, to: staged) } catch { try FileManager.default.copyItem(at: input, to: staged) }
            } catch {
                throw .jobState(path: staged.path, detail: error.localizedDescription)
            }
            return (staged, try duration(staged))
        }
        var sizes: [String] = []
        for format in [AudioOutputFormat.flac, .mp3] {
            let staged = folder.appendingPathComponent("sound.\(format.rawValue)")
            do {
                try await AudioExtractor.extractAudio(from: input, to: staged, options: AudioExtractionOptions(format: format),
                                                      progress: nil)
            } catch {
                throw .soundFile(path: input.path, detail: "could not be converted to \(format.rawValue) (\(error.localizedDescription))")
            }
            let bytes = size(staged)
            if bytes <= maxBytes { return (staged, try duration(staged)) }
            sizes.append("\(megabytes(bytes)) as \(format.rawValue)")
            try? FileManager.default.removeItem(at: staged)
        }
        throw .soundFile(path: input.path, detail: "is \(megabytes(size(input))) (\(sizes.joined(separator: ", "))); Kits.ai takes at most \(megabytes(maxBytes)): split the input into shorter parts and dub each")
    }

    private static func size(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? Int64.max
    }

    private static func megabytes(_ bytes: Int64) -> String {
        bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000) : "\(bytes) bytes"
    }

    private static func duration(_ url: URL) throws(KitsError) -> Int64 {
        do {
            guard let seconds = try MediaProbe.probe(url).durationSeconds, seconds > 0 else {
                throw KitsError.soundFile(path: url.path, detail: "has no measurable duration")
            }
            return Int64((seconds * 1000).rounded())
        } catch let error as KitsError {
            throw error
        } catch {
            throw .soundFile(path: url.path, detail: "cannot be measured (\(error.localizedDescription))")
        }
    }
}
