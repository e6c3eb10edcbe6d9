import DubKitMedia
import Foundation

/// The checks `dub create` and `convert` run before anything is extracted, written, created or sent:
/// the voice, the options the provider must offer, the input and the output. A mistake refuses the
/// command with the field and what to do, and leaves no project, dub or file behind.
public enum DubPreflight {
    /// Refuses `voice` (the part after `PROVIDER:`) unless it is one of `trained` (voices of the
    /// project) or has a form `provider` accepts; a mistyped one is answered with the nearest voices at
    /// hand (the provider's built-in ones and `trained`).
    public static func checkVoice(_ voice: String, of provider: any Provider, trained: [String]) throws {
        if trained.contains(voice) { return }
        do {
            try provider.checkVoice(voice)
        } catch {
            let id = provider.descriptor.id
            let known = provider.builtInVoices + trained.filter { !provider.builtInVoices.contains($0) }
            // A provider whose voices live only at the service keeps its own message (the id form it takes).
            guard !known.isEmpty else { throw error }
            throw DubKitError.unknownVoice(voice: "\(id):\(voice)",
                                           suggestions: NearestNames.to(voice, among: known, wrongShare: 0.6).map { "\(id):\($0)" },
                                           known: known.map { "\(id):\($0)" })
        }
    }

    /// Refuses `--separate` for a provider that cannot separate vocals, naming those that can.
    public static func checkSeparate(_ separate: Bool, provider: ProviderDescriptor, among all: [ProviderDescriptor]) throws(DubKitError) {
        guard separate, !provider.capabilities.contains(.separation) else { return }
        let able = all.filter { $0.capabilities.contains(.separation) }.map(\.id).sorted()
        throw .notOffered(option: "--separate", provider: provider.id, reason: "\(provider.name) does not separate vocals from the backing track",
                          fix: "leave out --separate (give it a vocal track)"
                              + (able.isEmpty ? "" : ", or use a provider that separates: \(able.joined(separator: ", "))"))
    }

    /// Checks a local input: it exists, is a readable file FFmpeg opens, has an audio stream, and (a
    /// video) its audio covers its picture. Returns what the probe found.
    @discardableResult
    public static func checkInput(_ file: URL, field: String) throws(DubKitError) -> MediaInfo {
        let path = file.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unusableInput(field: field, path: path, reason: "no such file")
        }
        guard !isFolder.boolValue else { throw .unusableInput(field: field, path: path, reason: "it is a folder, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unusableInput(field: field, path: path, reason: "it cannot be read (check its permissions)")
        }
        let info: MediaInfo
        do {
            info = try MediaProbe.probe(file)
        } catch {
            throw .unusableInput(field: field, path: path, reason: "not a media file FFmpeg can read (\(error.localizedDescription))")
        }
        guard !info.audioStreams.isEmpty else {
            throw .unusableInput(field: field, path: path, reason: "it has no audio stream to dub")
        }
        try SourceCheck.audioCoversPicture(info, path: path)
        return info
    }

    /// Checks where an export will be written: an extension an exporter writes, a video container
    /// only when there is a picture to put in it (`sourceHasVideo`, nil when not known yet, as for a
    /// link), and a folder that exists and is writable.
    public static func checkOutput(_ file: URL, field: String, sourceHasVideo: Bool?) throws(DubKitError) {
        let path = file.path
        let videos = VideoContainerFormat.allCases.map { "." + $0.rawValue }
        let audios = AudioOutputFormat.allCases.map { "." + $0.rawValue }
        let isVideo = VideoContainerFormat(fileExtension: file.pathExtension) != nil
        guard isVideo || AudioOutputFormat(fileExtension: file.pathExtension) != nil else {
            throw .unusableOutput(field: field, path: path,
                                  reason: file.pathExtension.isEmpty ? "it has no extension to tell the format"
                                      : "no exporter writes '.\(file.pathExtension)'",
                                  fix: "end the name in a video container (\(videos.joined(separator: ", "))) or an audio format (\(audios.joined(separator: ", ")))")
        }
        if isVideo, sourceHasVideo == false {
            throw .unusableOutput(field: field, path: path, reason: "the input has no picture to put in a video",
                                  fix: "write audio (\(audios.joined(separator: ", "))), or give a video as the input")
        }
        let folder = file.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw .unusableOutput(field: field, path: path, reason: "its folder \(folder.path) does not exist",
                                  fix: "create it first (`mkdir -p \(ShellWord.quoted(folder.path))`) or write somewhere else")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw .unusableOutput(field: field, path: path, reason: "its folder \(folder.path) is not writable",
                                  fix: "write into a folder you may write to")
        }
        var outputIsFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &outputIsFolder), outputIsFolder.boolValue {
            throw .unusableOutput(field: field, path: path, reason: "it is a folder", fix: "name a file to write")
        }
    }

    /// Checks a preview's slice against the input's length: `start` must fall inside it.
    public static func checkSlice(start: Double, inputSeconds: Double?) throws(DubKitError) {
        guard let inputSeconds else { return }
        if start >= inputSeconds { throw .sliceOutside(field: "--start", value: start, inputSeconds: inputSeconds) }
    }
}
