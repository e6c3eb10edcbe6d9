import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The Cartesia voice changer as a synchronous service: the input staged as it is sent as `clip`, one
/// POST (`/voice-changer/bytes`, or `/voice-changer/sse` decoded as its events arrive) whose answer is
/// the audio, stored as it comes or, for raw samples, wrapped into a WAV of their encoding and rate.
struct CartesiaVoiceChanger: SynchronousService {
    /// The HTTP client of the API.
    let client: CartesiaClient

    var billing: Billing { CartesiaDescriptor.billing }
    var inputField: String { "clip" }
    var requestIDHeaders: [String] { ["X-Request-Id", "request-id"] }

    func stage(_ audio: URL, into folder: URL, for conversion: CartesiaConversion) throws(CartesiaError) -> StagedInput {
        try CartesiaAudio.stage(audio, into: folder)
    }

    /// Sends the clip; a streamed answer's events go to `stream.sse` in `folder` (removed after) while
    /// their audio is written to `audio`.
    func send(_ conversion: CartesiaConversion, input: URL, contentType: String, to audio: URL, in folder: URL,
              written: @escaping @Sendable (Int64) -> Void) async throws(CartesiaError) -> HTTPHeaders {
        guard conversion.stream else {
            return try await client.changeVoice(conversion, clip: input, contentType: contentType, to: audio) { chunk, offset in
                written(offset + Int64(chunk.count))
            }
        }
        let events = folder.appendingPathComponent("stream.sse")
        defer { try? FileManager.default.removeItem(at: events) }
        return try await stream(conversion, clip: input, contentType: contentType, audio: audio, events: events, progress: written)
    }

    func answer(to conversion: CartesiaConversion) -> ConversionAnswer {
        let format = conversion.format
        return ConversionAnswer(operation: conversion.operation, formatName: format.description,
                                rawEncoding: format.container == .raw ? CartesiaAudio.wavEncoding(format.encoding ?? .pcmS16le) : nil,
                                sampleRate: format.sampleRate, codecName: format.codecName,
                                fileExtension: format.fileExtension, bytesPerSecond: format.bytesPerSecond)
    }

    /// Streams the conversion: each event is decoded as it arrives and its audio appended to `audio`.
    private func stream(_ conversion: CartesiaConversion, clip: URL, contentType: String, audio: URL, events: URL,
                        progress: @escaping @Sendable (Int64) -> Void) async throws(CartesiaError) -> HTTPHeaders {
        let decoder = try CartesiaEventStream(writingTo: audio, progress: progress)
        let headers: HTTPHeaders
        do {
            headers = try await client.changeVoiceStream(conversion, clip: clip, contentType: contentType, to: events) { bytes, _ in
                decoder.feed(bytes)
            }
        } catch {
            _ = decoder.finish()
            throw error
        }
        let outcome = decoder.finish()
        let operation = conversion.operation
        if let failure = outcome.error {
            throw .streamFailed(operation: operation, status: failure.status, code: failure.code, message: CartesiaError.summary(failure.message))
        }
        if let malformed = outcome.malformed { throw .invalidResponse(operation: operation, detail: malformed) }
        guard outcome.done else {
            throw .answerLost(operation: operation, detail: "the stream ended after \(outcome.chunks) chunks without its done event")
        }
        return headers
    }
}
