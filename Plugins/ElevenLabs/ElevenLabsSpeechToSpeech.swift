import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// ElevenLabs speech-to-speech as a synchronous service: the input staged as it is sent (raw PCM for
/// `file_format=pcm_s16le_16`), one POST whose answer is the audio, stored as MP3 or, for the
/// headerless formats, wrapped into WAV at the format's rate.
struct ElevenLabsSpeechToSpeech: SynchronousService {
    /// The HTTP client of the API.
    let client: ElevenLabsClient

    var billing: Billing { ElevenLabsDescriptor.billing }
    var inputField: String { "audio" }
    /// `request-id` (or the `history-item-id` of the conversion).
    var requestIDHeaders: [String] { ["request-id", "history-item-id"] }

    func stage(_ audio: URL, into folder: URL, for conversion: ElevenLabsConversion) async throws(ElevenLabsError) -> StagedInput {
        try await ElevenLabsAudio.stage(audio, into: folder, rawPCM: conversion.sendsRawPCM)
    }

    func send(_ conversion: ElevenLabsConversion, input: URL, contentType: String, to audio: URL, in folder: URL,
              written: @escaping @Sendable (Int64) -> Void) async throws(ElevenLabsError) -> HTTPHeaders {
        try await client.convert(conversion, audio: input, contentType: contentType, to: audio) { chunk, offset in
            written(offset + Int64(chunk.count))
        }
    }

    func answer(to conversion: ElevenLabsConversion) -> ConversionAnswer {
        let format = conversion.format
        let raw: RawAudioWAV.Encoding? = switch format.codec {
        case .mp3: nil
        case .pcm: .s16le
        case .ulaw: .muLaw
        }
        return ConversionAnswer(operation: conversion.operation, formatName: format.name, rawEncoding: raw,
                                sampleRate: format.sampleRate, fileExtension: format.fileExtension, bytesPerSecond: format.bytesPerSecond)
    }
}
