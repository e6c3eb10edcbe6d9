import CartesiaProvider
import DubKit
import ElevenLabsProvider
import Foundation
import KitsProvider
import LocalEngine
import VoiceConvertProvider
import VoiceDubProvider

/// The registry the CLI uses: the compiled-in adapters plus plugins of the selected workspace and PATH.
enum Registry {
    static func make(_ global: GlobalOptions) -> ProviderRegistry {
        let workspace = global.resolvedWorkspace
        // Jobs that earlier versions kept in `plugins/.state` continue from `.dubkit/state`.
        do {
            if let moved = try workspace.moveOldProviderState() {
                global.log("moved providers' job state from \(moved.path) to \(workspace.providerStateRoot.path)")
            }
        } catch {
            global.warn("\(error.localizedDescription); dubs in flight may not find their provider jobs")
        }
        var builtIn: [any Provider] = [
            LocalProvider(stateFolder: workspace.providerStateFolder("local")),
        ]
        // Only fails when libcurl cannot start or VOICEDUB_BASE_URL is not a URL; the provider is then
        // left out, and the reason is said on stderr.
        let log: (@Sendable (String) -> Void)? = global.verbose ? Self.verboseLine : nil
        let state = workspace.providerStateFolder("voicedub")
        do {
            let voicedub = try VoiceDubAdapter(stateFolder: state, log: log)
            builtIn.append(voicedub)
        } catch {
            FileHandle.standardError.write(Data("dubkit: voicedub is unavailable: \(error.localizedDescription)\n".utf8))
        }
        do {
            builtIn.append(try KitsAdapter(stateFolder: workspace.providerStateFolder("kits"),
                                           log: log))
        } catch {
            FileHandle.standardError.write(Data("dubkit: kits is unavailable: \(error.localizedDescription)\n".utf8))
        }
        do {
            builtIn.append(try VoiceConvertAdapter(
                stateFolder: workspace.providerStateFolder("voiceconvert"), log: log))
        } catch {
            FileHandle.standardError.write(Data("dubkit: voiceconvert is unavailable: \(error.localizedDescription)\n".utf8))
        }
        do {
            builtIn.append(try ElevenLabsAdapter(
                stateFolder: workspace.providerStateFolder("elevenlabs"), log: log))
        } catch {
            FileHandle.standardError.write(Data("dubkit: elevenlabs is unavailable: \(error.localizedDescription)\n".utf8))
        }
        do {
            builtIn.append(try CartesiaAdapter(
                stateFolder: workspace.providerStateFolder("cartesia"), log: log))
        } catch {
            FileHandle.standardError.write(Data("dubkit: cartesia is unavailable: \(error.localizedDescription)\n".utf8))
        }
        return ProviderRegistry(builtIn: builtIn, workspace: workspace)
    }

    /// One line of an adapter's HTTP log (secrets already masked) on stderr, for --verbose.
    @Sendable static func verboseLine(_ line: String) {
        FileHandle.standardError.write(Data("dubkit: \(line)\n".utf8))
    }
}
