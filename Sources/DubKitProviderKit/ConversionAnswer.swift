import DubKit
import DubKitMedia
import Foundation

/// What the answer to one synchronous conversion request carries and how it is stored: as it is (MP3,
/// WAV) or, for headerless samples, wrapped into a WAV of their encoding, then checked to decode at
/// the rate (and with the codec) asked for.
public struct ConversionAnswer: Sendable, Hashable {
    /// The request, for messages (`POST /voice-changer/bytes`).
    public var operation: String
    /// The format asked for, for messages (`pcm_24000`).
    public var formatName: String
    /// The encoding of headerless samples, wrapped into a WAV; nil when the bytes are stored as they are.
    public var rawEncoding: RawAudioWAV.Encoding?
    /// Samples a second the stored result must decode at.
    public var sampleRate: Int
    /// FFmpeg's name of the codec the stored result must decode with; nil when any will do.
    public var codecName: String?
    /// The stored result's extension.
    public var fileExtension: String
    /// Bytes one second of audio takes in the answer, to follow progress.
    public var bytesPerSecond: Int

    public init(operation: String, formatName: String, rawEncoding: RawAudioWAV.Encoding?, sampleRate: Int,
                codecName: String? = nil, fileExtension: String, bytesPerSecond: Int) {
        self.operation = operation
        self.formatName = formatName
        self.rawEncoding = rawEncoding
        self.sampleRate = sampleRate
        self.codecName = codecName
        self.fileExtension = fileExtension
        self.bytesPerSecond = bytesPerSecond
    }

    /// Turns the answer's bytes in `part` into the stored result `destination` (`part` is gone after).
    /// Refused, as the adapter's `errors`, when there are none or when the result does not decode as
    /// asked (then nothing is left).
    public func store<Failure: AdapterError>(_ part: URL, to destination: URL, as errors: Failure.Type) throws(Failure) {
        try? FileManager.default.removeItem(at: destination)
        let size = ((try? FileManager.default.attributesOfItem(atPath: part.path))?[.size] as? NSNumber)?.int64Value ?? 0
        guard size > 0 else { throw .invalidResponse(operation: operation, detail: "200 with no audio") }
        do {
            if let rawEncoding {
                try RawAudioWAV.wrap(part, encoding: rawEncoding, sampleRate: sampleRate, to: destination)
            } else {
                try FileManager.default.moveItem(at: part, to: destination)
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
            throw .invalidResponse(operation: operation, detail: "the answer is not \(formatName) audio (\(error.localizedDescription))")
        }
        guard let stream, stream.sampleRate == sampleRate, codecName.map({ $0 == stream.codecName }) ?? true else {
            try? FileManager.default.removeItem(at: destination)
            throw .invalidResponse(operation: operation,
                                   detail: "the answer is not \(formatName) audio (\(stream.map { "\($0.codecName) at \($0.sampleRate ?? 0) Hz" } ?? "no audio stream"))")
        }
    }
}
