import DubKit
import Foundation
import KitsProvider
import LocalEngine
import VoiceConvertProvider

/// The registry the CLI uses: the compiled-in adapters plus plugins of the selected workspace and PATH.
enum Registry {
    static func make(_ global: GlobalOptions) -> ProviderRegistry {
        let workspace = global.resolvedWorkspace
        var builtIn: [any Provider] = [
            LocalProvider(stateFolder: workspace.root.appendingPathComponent("plugins/.state/local", isDirectory: true)),
        ]
        do {
            builtIn.append(try KitsAdapter(stateFolder: workspace.root.appendingPathComponent("plugins/.state/kits", isDirectory: true)))
        } catch {
            FileHandle.standardError.write(Data("dubkit: kits is unavailable: \(error.localizedDescription)\n".utf8))
        }
        do {
            builtIn.append(try VoiceConvertAdapter(
                stateFolder: workspace.root.appendingPathComponent("plugins/.state/voiceconvert", isDirectory: true)))
        } catch {
            FileHandle.standardError.write(Data("dubkit: voiceconvert is unavailable: \(error.localizedDescription)\n".utf8))
        }
        return ProviderRegistry(builtIn: builtIn, workspace: workspace)
    }
}
