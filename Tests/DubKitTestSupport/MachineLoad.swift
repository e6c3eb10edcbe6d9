import Foundation

/// Keeps the machine's cores busy while a test runs: child processes spinning on the CPU, as a
/// loaded build machine or a stalled server would be. Stopped by ``stop()`` (or when released); a
/// child also ends by itself once this test process is gone, and after `limit` seconds in any case.
public final class MachineLoad: Sendable {
    private let children: [Process]

    /// Starts `workers` spinning children (one per core of a two-core machine by default).
    public init(workers: Int = 2, limit: Int = 300) throws {
        let parent = getpid()
        children = try (0..<max(1, workers)).map { _ in
            let child = Process()
            // One process each, bounded by bash's own clock: nothing to leave behind if a signal is lost.
            child.executableURL = URL(fileURLWithPath: "/bin/bash")
            child.arguments = ["-c", "while [ $SECONDS -lt \(limit) ] && kill -0 \(parent) 2>/dev/null; do :; done"]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            return child
        }
    }

    deinit { stop() }

    /// Ends the children and waits for them.
    public func stop() {
        for child in children where child.isRunning {
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
        }
    }
}
