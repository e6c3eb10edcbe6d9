import Foundation

/// How many jobs may run at a provider at once, shared by every dub of a batch and the chunks of its
/// long dubs: a dub or a chunk waits for a slot before it runs, first come first served.
///
/// A batch runs each dub holding a slot (``runHolding(_:)``); a dub that turns out to be cut into
/// chunks gives its slot back (``held``) before its chunks take slots of their own, so a batch never
/// has more jobs at the provider than the width, and parents waiting on their chunks cannot hold
/// every slot while their chunks wait for one.
public actor JobSlots {
    /// Jobs at a time.
    public let width: Int
    private var busy = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var leases: Set<Int> = []
    private var lastLease = 0

    /// A slot held by the work ``runHolding(_:)`` runs, which may give it back early; giving it back
    /// twice, or after the work ended, does nothing.
    public struct Lease: Sendable {
        let slots: JobSlots
        let id: Int

        public func release() async {
            await slots.end(id)
        }
    }

    /// The slot the current task runs in, when a batch started it with ``runHolding(_:)``.
    @TaskLocal public static var held: Lease?

    public init(_ width: Int) {
        self.width = max(1, width)
    }

    /// Runs `work` once a slot is free, and frees it after.
    public func run<T: Sendable>(_ work: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await work()
    }

    /// Runs `work` once a slot is free, with the slot as ``held`` so that `work` can give it back
    /// before it ends; it is freed after `work` if it was not.
    public func runHolding<T: Sendable>(_ work: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        lastLease += 1
        let id = lastLease
        leases.insert(id)
        defer { end(id) }
        return try await JobSlots.$held.withValue(Lease(slots: self, id: id)) { try await work() }
    }

    private func end(_ id: Int) {
        if leases.remove(id) != nil { release() }
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
