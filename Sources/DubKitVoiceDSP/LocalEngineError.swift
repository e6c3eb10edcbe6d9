import Foundation

/// Why the local voice engine could not analyse or convert a file, with what to do about it.
public enum LocalEngineError: LocalizedError, Sendable, Equatable {
    /// The file could not be decoded or is not the WAV the engine reads.
    case unreadableAudio(file: String, reason: String)
    /// The output could not be written.
    case unwritableOutput(file: String, reason: String)
    /// No voiced, loud enough speech was found, so no profile can be measured.
    case noVoicedSpeech(files: [String])
    /// A setting is out of its range.
    case invalidSetting(String)
    /// A trained voice's stored or imported model has a field the engine cannot use.
    case invalidVoiceModel(voice: String, field: String, value: String, allowed: String)

    /// A message a user can act on.
    public var errorDescription: String? {
        switch self {
        case .unreadableAudio(let file, let reason):
            "Cannot read audio from \(file): \(reason). Check that the file exists and holds an audio stream."
        case .unwritableOutput(let file, let reason):
            "Cannot write \(file): \(reason). Check the folder exists and is writable, and the disk is not full."
        case .noVoicedSpeech(let files):
            "No voiced speech found in \(files.joined(separator: ", ")). Use recordings with audible speech "
                + "(at least a few seconds, louder than -50 dBFS)."
        case .invalidSetting(let what):
            "Invalid conversion setting: \(what)."
        case let .invalidVoiceModel(voice, field, value, allowed):
            "Voice \(voice) has a damaged model: \(field) is \(value), allowed \(allowed). "
                + "Train the voice again, or import a good export of it."
        }
    }
}
