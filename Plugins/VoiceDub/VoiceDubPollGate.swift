import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps reads of one dub or voice at least `interval` seconds apart (VoiceDub asks for at most one
/// every 3 s), whoever asks: the core's polling, resumes, the adapter's own look-ups, and other DubKit
/// processes sharing the workspace. The interval runs from the end of one read to the start of the
/// next, so the server sees them at least that far apart whatever the network's delays; reads of one
/// job never overlap.
///
/// Across processes the end of each job's last read is kept in `folder` (the adapter's state folder),
/// one small file per job (`poll-<job>`, mode 0600), written and read under an exclusive `flock` that
/// is held from the wait to the end of the read. The kernel drops the lock of a process that dies, so
/// a killed run never blocks the next. When the folder cannot be written the gate still holds within
/// the process.
actor VoiceDubPollGate {
    let interval: Double
    let folder: URL?
    private var last: [String: ContinuousClock.Instant] = [:]
    /// The jobs being read now, with the descriptor of their lock file (nil when it could not be opened).
    private var reading: [String: Int32?] = [:]

    init(interval: Double, folder: URL? = nil) {
        self.interval = interval
        self.folder = folder
    }

    /// Waits until `key` may be read again and marks it as being read; call ``leave(_:)`` after the read.
    func enter(_ key: String) async throws {
        let clock = ContinuousClock()
        while reading[key] != nil {
            try await clock.sleep(for: .milliseconds(10))
        }
        reading[key] = .some(nil)
        do {
            let descriptor = try await lock(key)
            reading[key] = .some(descriptor)
            var ready = last[key].map { $0.advanced(by: Self.duration(interval)) } ?? clock.now
            if let descriptor, let previous = Self.readTime(descriptor) {
                // Another process's read: wall-clock time, never waited on for more than one interval
                // (a clock set back must not stall the poll).
                let remaining = min(interval, previous + interval - Date().timeIntervalSince1970)
                if remaining > 0 { ready = max(ready, clock.now.advanced(by: Self.duration(remaining))) }
            }
            if ready > clock.now { try await clock.sleep(until: ready) }
        } catch {
            release(key)
            throw error
        }
    }

    /// Marks the read of `key` as finished, starting its next interval (here and for other processes).
    func leave(_ key: String) {
        last[key] = ContinuousClock.now
        if case let descriptor?? = reading[key] {
            Self.writeTime(Date().timeIntervalSince1970, to: descriptor)
        }
        release(key)
    }

    /// Forgets `key` (a job that will not be read again): its time here and its file in the folder.
    /// Not while it is being read; a read after this simply starts a new interval.
    func forget(_ key: String) {
        guard reading[key] == nil else { return }
        last[key] = nil
        if let folder { unlink(Self.file(key, in: folder).path) }
    }

    private func release(_ key: String) {
        if case let descriptor?? = reading[key] {
            close(descriptor) // also releases the flock
        }
        reading[key] = nil
    }

    /// `key`'s file in `folder`: `poll-<key>`, with anything but letters, digits, `-` and `_` made `_`.
    private static func file(_ key: String, in folder: URL) -> URL {
        let safe = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return folder.appendingPathComponent("poll-\(safe)", isDirectory: false)
    }

    /// Opens `key`'s file in the folder and takes its exclusive lock, waiting while another process
    /// holds it; nil when there is no folder or the file cannot be opened.
    private func lock(_ key: String) async throws -> Int32? {
        guard let folder else { return nil }
        let path = Self.file(key, in: folder).path
        var descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0 && errno == ENOENT {
            // The folder is made when it is missing rather than checked before every read.
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
            descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { return nil }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(descriptor)
                return nil
            }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                close(descriptor)
                throw error
            }
        }
        return descriptor
    }

    /// The Unix time written by the last ``writeTime(_:to:)``, nil for a new or unreadable file.
    private static func readTime(_ descriptor: Int32) -> Double? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Double(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Width of what ``writeTime(_:to:)`` writes: the time, padded with spaces, and a newline.
    private static let timeWidth = 32

    /// Overwrites the file with the time at a fixed width rather than truncating it first: ext4
    /// flushes a file truncated to nothing when it is closed, a disk write on every poll of every
    /// job. The padding is whitespace, which ``readTime(_:)`` (of any version) trims.
    private static func writeTime(_ time: Double, to descriptor: Int32) {
        var bytes = Array(text(time).utf8)
        if bytes.count < timeWidth - 1 { bytes += repeatElement(UInt8(ascii: " "), count: timeWidth - 1 - bytes.count) }
        bytes.append(UInt8(ascii: "\n"))
        var info = stat()
        if fstat(descriptor, &info) == 0, Int(info.st_size) > bytes.count { _ = ftruncate(descriptor, off_t(bytes.count)) }
        _ = bytes.withUnsafeBufferPointer { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// The time in seconds with six decimals, as `%.6f` writes it (to the microsecond; the last
    /// digit may round the other way), without a C format string and NSString, which took half the
    /// cost of a read's bookkeeping. Times outside 1970 to year 33658 go through the format.
    static func text(_ time: Double) -> String {
        guard time >= 0, time < 1e15 else { return String(format: "%.6f", time) }
        let micros = Int64((time * 1_000_000).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    private static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64(seconds * 1_000_000_000))
    }
}
