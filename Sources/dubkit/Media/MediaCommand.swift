import ArgumentParser

/// `dubkit media`: look inside media files, extract their audio, remux dubs into videos.
struct MediaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Probe media files, extract their audio and remux dubbed tracks into videos.",
        discussion: """
            Examples:
              dubkit media probe talk.mp4
              dubkit media extract talk.mp4 -o talk.wav --rate 16000 --mono
            """,
        subcommands: [MediaProbeCommand.self, MediaExtract.self, MediaRemux.self]
    )
}
