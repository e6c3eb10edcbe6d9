import ArgumentParser

/// `dubkit media`: look inside media files and extract their audio.
struct MediaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Probe media files and extract their audio.",
        subcommands: [MediaProbeCommand.self, MediaExtract.self]
    )
}
