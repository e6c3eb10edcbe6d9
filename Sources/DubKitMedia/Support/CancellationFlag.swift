import Foundation

/// A flag set from a task's cancellation handler and read by the extraction thread; the lock
/// serialises access, which is what makes it safe to share.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    func raise() {
        lock.withLock { raised = true }
    }

    var isRaised: Bool {
        lock.withLock { raised }
    }
}
