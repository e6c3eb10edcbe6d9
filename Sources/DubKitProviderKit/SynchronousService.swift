import DubKit
import DubKitHTTP
import Foundation

/// A service that converts in the request carrying the audio and answers with the audio itself
/// (ElevenLabs speech-to-speech, the Cartesia voice changer), as ``SynchronousDubs`` uses it: what
/// differs between such services (how the input is staged, how the request is sent, what the answer
/// is, the adapter's error type) and nothing of the lifecycle they share.
public protocol SynchronousService: Sendable {
    /// What one request asks for, built by the adapter when the dub is created and kept in its job.
    associatedtype Conversion: Codable & Sendable
    /// The adapter's error type.
    associatedtype Failure: AdapterError

    /// How the service counts credits for a length of input.
    var billing: Billing { get }
    /// The form field the input is sent as (`audio`, `clip`), named when a step needs the input first.
    var inputField: String { get }
    /// The response headers that carry the service's request id, the first one present wins.
    var requestIDHeaders: [String] { get }

    /// Stages `audio` in `folder` (which may not exist yet) as it will be sent for `conversion`, and measures it.
    func stage(_ audio: URL, into folder: URL, for conversion: Conversion) async throws(Failure) -> StagedInput
    /// Sends `conversion` with the staged `input` once and writes the answer's audio to `audio` as it
    /// arrives, telling `written` the audio bytes on disk so far; answers the response headers. Files of
    /// its own go in `folder` and are removed before it returns.
    func send(_ conversion: Conversion, input: URL, contentType: String, to audio: URL, in folder: URL,
              written: @escaping @Sendable (Int64) -> Void) async throws(Failure) -> HTTPHeaders
    /// What the answer to `conversion` is and how it is stored.
    func answer(to conversion: Conversion) -> ConversionAnswer
}
