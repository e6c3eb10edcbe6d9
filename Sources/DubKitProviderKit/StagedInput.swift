import DubKit
import DubKitMedia
import Foundation

/// The input of a synchronous conversion, staged in its job's folder as it will be sent.
public struct StagedInput: Sendable, Hashable {
    /// The file's name in the job's folder.
    public var name: String
    /// The content type it is sent with.
    public var contentType: String
    /// Its length.
    public var durationMs: Int64

    public init(name: String, contentType: String, durationMs: Int64) {
        self.name = name
        self.contentType = contentType
        self.durationMs = durationMs
    }

    /// Puts `input` at `file` as it is: a hard link where the file system allows one (no copy of a long
    /// input), a copy otherwise; whatever `file` held before is replaced.
    public static func place(_ input: URL, at file: URL) throws {
        try? FileManager.default.removeItem(at: file)
        do { try FileManager.default.linkItem(at: input, to: file) } catch { try FileManager.default.copyItem(at: input, to: file) }
    }

    /// Reads `input` as media with an audio stream and makes `folder`, before an adapter stages the input
    /// there; `refused` words what is wrong with the input as the adapter's error.
    public static func probe<Failure: AdapterError>(_ input: URL, into folder: URL,
                                                     refused: (_ detail: String) -> Failure) throws(Failure) -> MediaInfo {
        let info: MediaInfo
        do {
            info = try MediaProbe.probe(input)
        } catch {
            throw refused("cannot be read as media (\(error.localizedDescription))")
        }
        guard !info.audioStreams.isEmpty else { throw refused("has no audio stream; give a file with speech in it") }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .jobState(path: folder.path, detail: error.localizedDescription)
        }
        return info
    }
}
