import DubKit
import Foundation

/// Shows the dubs of a batch on stderr, one line each with its stage, redrawn in place twice a second
/// on a terminal. Off a terminal the runners' plain report lines are printed instead.
final class DubBoard: @unchecked Sendable {
    private let store: ProjectStore
    private let ids: [Int64]
    private let lock = NSLock()
    private var drawnLines = 0
    private var task: Task<Void, Never>?
    /// How far each dub's conversion is, for providers that convert in place (the local engine).
    private var fractions: [Int64: Double] = [:]

    init(store: ProjectStore, ids: [Int64]) {
        self.store = store
        self.ids = ids
    }

    /// Starts redrawing until ``stop()``.
    func start() {
        task = Task { [weak self] in
            while !Task.isCancelled {
                self?.draw()
                try? await Task.sleep(nanoseconds: 500_000_000)
            }
        }
    }

    /// Takes how far dub `id`'s conversion is (0...1); its line shows the percentage until it is done.
    func converted(_ id: Int64, _ fraction: Double) {
        lock.withLock { fractions[id] = fraction }
    }

    /// Draws the final state once more and stops.
    func stop() {
        task?.cancel()
        draw()
    }

    private func draw() {
        guard let dubs = try? ids.map({ try store.dub($0) }) else { return }
        let shown = dubs.prefix(20)
        let converting = lock.withLock { fractions }
        var lines = shown.map { dub in Self.line(dub, in: store, converted: dub.id.flatMap { converting[$0] }) }
        if dubs.count > shown.count {
            let rest = dubs.dropFirst(shown.count)
            let done = rest.filter { $0.status == .done }.count
            let failed = rest.filter { $0.status == .error }.count
            lines.append("… and \(rest.count) more: \(done) done, \(failed) in error")
        }
        lock.lock()
        defer { lock.unlock() }
        var text = drawnLines > 0 ? "\u{1b}[\(drawnLines)A" : ""
        for line in lines { text += "\r\u{1b}[2K" + line + "\n" }
        drawnLines = lines.count
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `dub 3  [#####-----]  processing  voicedub:abc` with the error when there is one; a dub cut
    /// into chunks also says how many are done, and its bar is theirs (each chunk's stage, averaged)
    /// once they are further along than the dub's own stage says.
    static func line(_ dub: Dub, chunks: [Dub] = [], converted: Double? = nil) -> String {
        let ownShare = share(dub)
        let chunkShare = chunks.isEmpty ? 0 : chunks.map(share).reduce(0, +) / Double(chunks.count)
        let bar = Terminal.bar(max(ownShare, chunkShare), width: 10)
        let status = dub.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
        var note = ""
        // A conversion running in place: its percentage while the dub is not yet done or failed.
        if let converted, dub.status != .done, dub.status != .error, dub.status != .cancelled {
            note += String(format: "  converting %d%%", Int((min(max(converted, 0), 1) * 100).rounded(.down)))
        }
        if !chunks.isEmpty {
            note += "  \(chunks.filter { $0.status == .done }.count)/\(chunks.count) chunks done"
            let failed = chunks.filter { $0.status == .error }.count
            if failed > 0 { note += ", \(failed) in error" }
        }
        note += dub.errorCode.map { "  \($0): \(dub.errorMessage ?? "")" } ?? ""
        return String("dub \(dub.id ?? 0)  \(bar)  \(status) \(dub.voice)\(note)".prefix(160))
    }

    /// ``line(_:chunks:)`` with the dub's chunks read from `store` (none for a dub sent whole, or
    /// when they cannot be read).
    static func line(_ dub: Dub, in store: ProjectStore, converted: Double? = nil) -> String {
        guard dub.isChunked, let id = dub.id, let chunks = try? store.chunks(of: id) else { return line(dub, converted: converted) }
        return line(dub, chunks: chunks, converted: converted)
    }

    /// How far along its stages a dub is, 0...1.
    private static func share(_ dub: Dub) -> Double {
        let order: [DubStatus] = [.new, .uploading, .uploaded, .preprocessing, .preprocessed, .queued, .starting,
                                  .processing, .finalizing, .done]
        return Double(order.firstIndex(of: dub.status) ?? 0) / Double(order.count - 1)
    }
}
