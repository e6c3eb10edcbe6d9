import Foundation

/// Everything that can go wrong reading or writing media; each message names the file and what to do.
public enum MediaError: Error, LocalizedError, Sendable, Equatable {
    /// The input file does not exist (or is a folder).
    case fileMissing(path: String)
    /// The input file is empty.
    case zeroLength(path: String)
    /// The file is not in any format FFmpeg recognises.
    case notMedia(path: String)
    /// The file starts like a known format but is truncated or damaged.
    case corrupt(path: String, detail: String)
    /// The file has no audio stream at all.
    case noAudioStream(path: String)
    /// The file has no video stream, so there is nothing to put a dubbed track into.
    case noVideoStream(path: String)
    /// A remux output's extension names no container we write (MP4, MOV or MKV).
    case unsupportedContainer(path: String, fileExtension: String)
    /// A track's language is not an ISO 639-2 code (three letters, e.g. `spa`).
    case invalidLanguage(path: String, code: String)
    /// The output's container cannot hold a stream that was asked to be copied (e.g. PCM audio in MP4).
    case streamNotAllowed(path: String, codec: String, container: String)
    /// The requested stream (by index or language) is not an audio stream of the file.
    case audioStreamNotFound(path: String, request: String)
    /// The audio is in a codec this FFmpeg build cannot decode.
    case unsupportedCodec(path: String, codec: String)
    /// The requested output (file extension, rate or channel count) cannot be written.
    case unsupportedOutput(path: String, reason: String)
    /// An effect's parameters are out of range.
    case invalidFilter(path: String, reason: String)
    /// Writing the output failed (permissions, disk full, missing folder).
    case writeFailed(path: String, detail: String)
    /// FFmpeg failed for a reason that is not the file's fault (e.g. out of memory).
    case processingFailed(path: String, detail: String)
    /// The audio decodes to values that are not numbers (NaN) or are infinite, from about `seconds` in.
    case nonFiniteSamples(path: String, seconds: Double?)

    /// A stable machine-readable name for the case, for JSON output.
    public var code: String {
        switch self {
        case .fileMissing: "media.file_missing"
        case .zeroLength: "media.zero_length"
        case .notMedia: "media.not_media"
        case .corrupt: "media.corrupt"
        case .noAudioStream: "media.no_audio_stream"
        case .noVideoStream: "media.no_video_stream"
        case .unsupportedContainer: "media.unsupported_container"
        case .invalidLanguage: "media.invalid_language"
        case .streamNotAllowed: "media.stream_not_allowed"
        case .audioStreamNotFound: "media.audio_stream_not_found"
        case .unsupportedCodec: "media.unsupported_codec"
        case .unsupportedOutput: "media.unsupported_output"
        case .invalidFilter: "media.invalid_filter"
        case .writeFailed: "media.write_failed"
        case .processingFailed: "media.processing_failed"
        case .nonFiniteSamples: "media.non_finite_samples"
        }
    }

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileMissing(let path), .zeroLength(let path), .notMedia(let path), .corrupt(let path, _),
             .noAudioStream(let path), .noVideoStream(let path), .unsupportedContainer(let path, _),
             .invalidLanguage(let path, _), .streamNotAllowed(let path, _, _), .audioStreamNotFound(let path, _), .unsupportedCodec(let path, _),
             .unsupportedOutput(let path, _), .invalidFilter(let path, _), .writeFailed(let path, _), .processingFailed(let path, _),
             .nonFiniteSamples(let path, _):
            path
        }
    }

    /// One line naming the file, what is wrong and what to do.
    public var errorDescription: String? {
        switch self {
        case .fileMissing(let path):
            "\(path): no such file; check the path."
        case .zeroLength(let path):
            "\(path): the file is empty (0 bytes); copy or download it again."
        case .notMedia(let path):
            "\(path): not an audio or video file FFmpeg recognises; check you picked the right file."
        case .corrupt(let path, let detail):
            "\(path): the file is truncated or damaged (\(detail)); download or export it again."
        case .noAudioStream(let path):
            "\(path): the file has no audio stream; pick a file with sound."
        case .noVideoStream(let path):
            "\(path): the file has no video stream; pick the original video to put the dub into."
        case .unsupportedContainer(let path, let fileExtension):
            "\(path): cannot write a '.\(fileExtension)' video; name the output .mp4, .mov or .mkv."
        case .invalidLanguage(let path, let code):
            "\(path): '\(code)' is not an ISO 639-2 language code; use three letters such as spa, fra or eng."
        case .streamNotAllowed(let path, let codec, let container):
            "\(path): a .\(container) file cannot hold the original \(codec) audio; name the output .mkv or leave the original out."
        case .audioStreamNotFound(let path, let request):
            "\(path): no audio stream \(request); run `dubkit media probe \(path)` to list its streams."
        case .unsupportedCodec(let path, let codec):
            "\(path): audio codec '\(codec)' cannot be decoded by this FFmpeg build; convert the file to WAV or FLAC first."
        case .unsupportedOutput(let path, let reason):
            "\(path): cannot write this output (\(reason)); use a .wav, .flac or .mp3 name and a supported rate."
        case .invalidFilter(let path, let reason):
            "\(path): cannot apply the effect (\(reason)); pick a value inside the range."
        case .writeFailed(let path, let detail):
            "\(path): could not write the output (\(detail)); check the folder exists, is writable and has free space."
        case .processingFailed(let path, let detail):
            "\(path): FFmpeg failed (\(detail)); try again, and report it if it keeps happening."
        case .nonFiniteSamples(let path, let seconds):
            "\(path): the audio holds samples that are not numbers (NaN or infinity)"
                + (seconds.map { String(format: " from about %.2f s", $0) } ?? "")
                + "; it cannot be measured or converted. Export it again from its source, or as 16-bit PCM."
        }
    }
}
