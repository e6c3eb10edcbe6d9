import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a claim: one process on one machine, named by its host, its pid and the time it started
/// (so a pid reused by a later process is not taken for the holder).
public struct RunnerIdentity: Sendable, Hashable, Codable {
    /// The machine's host name.
    public var host: String
    /// The process id on that machine.
    public var pid: Int32
    /// When the process started, in milliseconds since 1970 (0 when unknown).
    public var startedMs: Int64

    public init(host: String, pid: Int32, startedMs: Int64) {
        self.host = host
        self.pid = pid
        self.startedMs = startedMs
    }

    /// This process.
    public static let current = RunnerIdentity(host: ProcessInfo.processInfo.hostName, pid: getpid(),
                                               startedMs: processStartMs(getpid()) ?? Int64(Date().timeIntervalSince1970 * 1000))

    /// How it is shown: `host pid 123`.
    public var description: String { "\(host) pid \(pid)" }

    /// How the ledger records it: `host:pid:startedMs`.
    public var recorded: String { "\(host):\(pid):\(startedMs)" }

    /// True when this runner is known to be gone: it ran on this machine and no process with its pid
    /// and start time lives now. A runner on another machine (or whose start cannot be read) is not
    /// known to be gone: its lease decides.
    public var isGoneFromThisHost: Bool {
        guard host == Self.current.host else { return false }
        if pid == Self.current.pid { return startedMs != Self.current.startedMs }
        guard kill(pid, 0) == 0 || errno == EPERM else { return errno == ESRCH }
        guard let started = Self.processStartMs(pid) else { return false }
        // Start times are read from clock ticks since boot: allow for their rounding.
        return abs(started - startedMs) > 2_000
    }

    /// When process `pid` started, in milliseconds since 1970, from /proc (nil where there is none).
    static func processStartMs(_ pid: Int32) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces): state is field 3, starttime field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]), let boot = bootTime else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hertz > 0 else { return nil }
        return Int64((boot + ticks / hertz) * 1000)
    }

    /// The machine's boot time, in seconds since 1970 (`btime` of /proc/stat).
    private static let bootTime: Double? = {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }()
}
