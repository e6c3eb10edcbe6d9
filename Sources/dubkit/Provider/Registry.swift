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
        // A remote adapter only fails when libcurl cannot start or its base URL variable is not a URL;
        // the provider is then left out, and the reason is said on stderr.
        let log: (@Sendable (String) -> Void)? = global.verbose ? Self.verboseLine : nil
        let remote: [(id: String, make: (URL) throws -> any Provider)] = [
            ("voicedub", { try VoiceDubAdapter(stateFolder: $0, log: log) }),
            ("kits", { try KitsAdapter(stateFolder: $0, log: log) }),
            ("voiceconvert", { try VoiceConvertAdapter(stateFolder: $0, log: log) }),
            ("elevenlabs", { try ElevenLabsAdapter(stateFolder: $0, log: log) }),
            ("cartesia", { try CartesiaAdapter(stateFolder: $0, log: log) }),
        ]
        for (id, make) in remote {
            do {
                builtIn.append(try make(workspace.providerStateFolder(id)))
            } catch {
                FileHandle.standardError.write(Data("dubkit: \(id) is unavailable: \(error.localizedDescription)\n".utf8))
            }
        }
        return ProviderRegistry(builtIn: builtIn, workspace: workspace)
    }

    /// One line of an adapter's HTTP log (secrets already masked) on stderr, for --verbose.
    @Sendable static func verboseLine(_ line: String) {
        FileHandle.standardError.write(Data("dubkit: \(line)\n".utf8))
    }
}
