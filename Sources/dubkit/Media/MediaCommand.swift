import ArgumentParser

/// `dubkit media`: look inside media files, extract their audio, remux dubs into videos.
struct MediaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Probe media files, extract their audio and remux dubbed tracks into videos.",
        subcommands: [MediaProbeCommand.self, MediaExtract.self, MediaRemux.self]
    )
}
