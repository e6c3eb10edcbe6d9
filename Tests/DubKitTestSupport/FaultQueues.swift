/// The faults a fake server is told to meet, queued per operation: each call of an operation takes
/// the next one queued for it, first in first out, and meets none once its queue is empty.
public struct FaultQueues<Operation: Hashable & Sendable, Fault: Sendable>: Sendable {
    private var queues: [Operation: [Fault]] = [:]

    public init() {}

    /// Queues `fault` for the next `times` calls of `operation`.
    public mutating func add(_ fault: Fault, on operation: Operation, times: Int = 1) {
        queues[operation, default: []] += Array(repeating: fault, count: times)
    }

    /// The fault the current call of `operation` meets, if any is queued.
    public mutating func take(_ operation: Operation) -> Fault? {
        guard var queue = queues[operation], !queue.isEmpty else { return nil }
        let fault = queue.removeFirst()
        queues[operation] = queue
        return fault
    }
}
