import ArgumentParser
import DubKit
import Foundation

/// `dubkit voice delete --project P NAME`.
struct VoiceDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a custom voice of a project (its dataset stays).",
        discussion: """
            On a terminal it asks first (type the voice's name or y); elsewhere --yes is required. Refused \
            while dubs that are not done or cancelled use it, or while a `voice run` trains it. A voice \
            created at a remote provider is removed from the project only, not from the provider.

            Examples:
              dubkit voice delete --project films narrator
              dubkit voice delete --project films local:narrator --yes
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The voice's name, with or without PROVIDER:.", valueName: "voice"), completion: Completions.voiceNames)
    var name: String

    @OptionGroup var confirmation: ConfirmOption

    func run() throws {
        let store = try global.open(project.project)
        let voice = try store.voice(named: name)
        try confirmation.delete("voice \(voice.reference)", question: "Delete voice \(voice.reference) (\(voice.status.rawValue))? "
                                + "Type its name or y to confirm:", answers: [voice.name, voice.reference], json: global.json) {
            try store.deleteVoice(voice.reference)
        }
    }
}
