import ArgumentParser
import DubKit

/// `--lease s`: how long a runner's claim on a dub lasts without renewal (default 60 s, or
/// `DUBKIT_LEASE_SECONDS`). A runner stopped or cut off for longer loses its claims to the next runner.
struct LeaseOption: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds a claim on a dub lasts unless renewed (default 60, or DUBKIT_LEASE_SECONDS).",
                               valueName: "s"))
    var lease: String?

    func validate() throws {
        if let lease {
            do { _ = try LeaseSettings.parse(lease, field: "--lease") } catch { throw ValidationError(error.localizedDescription) }
        }
    }

    /// The lease in seconds: `--lease`, else the environment's, else the default.
    func seconds() throws -> Double {
        if let lease { return try LeaseSettings.parse(lease, field: "--lease") }
        return try LeaseSettings.fromEnvironment()
    }
}
