import Foundation

/// How many jobs may run at a provider at once, shared by every dub of a batch that runs its chunks
/// side by side: a chunk waits for a slot before it runs, first come first served.
public actor JobSlots {
    /// Jobs at a time.
    public let width: Int
    private var busy = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(_ width: Int) {
        self.width = max(1, width)
    }

    /// Runs `work` once a slot is free, and frees it after.
    public func run<T: Sendable>(_ work: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await work()
    }

    private func acquire() async {
        if busy < width {
            busy += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy -= 1
        } else {
            // The slot passes straight to the next in line.
            waiting.removeFirst().resume()
        }
    }
}
