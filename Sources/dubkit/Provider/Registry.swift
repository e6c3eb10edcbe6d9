import DubKit

/// The registry the CLI uses: the compiled-in adapters plus plugins of the selected workspace and PATH.
enum Registry {
    /// Adapters compiled into this build, registered at start-up.
    static let builtIn: [any Provider] = []

    static func make(_ global: GlobalOptions) -> ProviderRegistry {
        ProviderRegistry(builtIn: builtIn, workspace: global.resolvedWorkspace)
    }
}
