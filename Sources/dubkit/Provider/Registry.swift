import DubKit
import LocalEngine

/// The registry the CLI uses: the compiled-in adapters plus plugins of the selected workspace and PATH.
enum Registry {
    static func make(_ global: GlobalOptions) -> ProviderRegistry {
        let workspace = global.resolvedWorkspace
        let builtIn: [any Provider] = [
            LocalProvider(stateFolder: workspace.root.appendingPathComponent("plugins/.state/local", isDirectory: true)),
        ]
        return ProviderRegistry(builtIn: builtIn, workspace: workspace)
    }
}
