import CCurl
import Foundation

/// The thread that runs every transfer of one client on a `curl_multi` handle. Other threads only
/// queue work under a lock and wake the loop; all curl handles are touched on this thread alone.
final class CurlEngine: @unchecked Sendable {
    private let lock = NSLock()
    private let multi: UnsafeMutableRawPointer
    private let stopped = DispatchSemaphore(value: 0)
    // Guarded by `lock`.
    private var pending: [TransferJob] = []
    private var cancels: [UInt64] = []
    private var stopping = false
    private var lastID: UInt64 = 0
    private var loopThread: pthread_t?
    // Touched only on the loop thread.
    private var active: [UInt64: CurlTransfer] = [:]

    /// Starts the transfer thread; nil when libcurl cannot be initialised.
    init?() {
        guard CurlGlobal.ensure(), let multi = curl_multi_init() else { return nil }
        self.multi = multi
        let thread = Thread { [self] in self.run() }
        thread.name = "DubKitHTTP transfers"
        thread.start()
    }

    deinit {
        // Here rather than at the end of the loop: other threads may still call curl_multi_wakeup
        // on the handle until the last reference to the engine is gone.
        curl_multi_cleanup(multi)
    }

    /// A fresh transfer id.
    func makeID() -> UInt64 {
        lock.withLock {
            lastID += 1
            return lastID
        }
    }

    /// Queues a transfer; its completion runs on the transfer thread.
    func start(_ job: TransferJob) {
        let refused = lock.withLock { () -> Bool in
            if stopping { return true }
            pending.append(job)
            return false
        }
        if refused {
            var outcome = TransferOutcome()
            outcome.cancelled = true
            job.completion(outcome)
            return
        }
        curl_multi_wakeup(multi)
    }

    /// Stops a queued or running transfer; it completes as cancelled. Unknown ids are ignored.
    func cancel(_ id: UInt64) {
        let removed = lock.withLock { () -> TransferJob? in
            if let index = pending.firstIndex(where: { $0.id == id }) { return pending.remove(at: index) }
            cancels.append(id)
            return nil
        }
        if let removed {
            var outcome = TransferOutcome()
            outcome.cancelled = true
            removed.completion(outcome)
        } else {
            curl_multi_wakeup(multi)
        }
    }

    /// Cancels everything and ends the thread (waits for it unless called from it).
    func shutdown() {
        let onLoopThread = lock.withLock { () -> Bool in
            stopping = true
            guard let loopThread else { return false }
            return pthread_equal(loopThread, pthread_self()) != 0
        }
        curl_multi_wakeup(multi)
        if !onLoopThread { stopped.wait() }
    }

    private func run() {
        lock.withLock { loopThread = pthread_self() }
        defer { stopped.signal() }
        while true {
            let (jobs, cancelled, stop) = lock.withLock { () -> ([TransferJob], [UInt64], Bool) in
                defer {
                    pending.removeAll()
                    cancels.removeAll()
                }
                return (pending, cancels, stopping)
            }
            for job in jobs { add(job) }
            for id in cancelled { remove(id, code: nil) }
            if stop {
                for id in Array(active.keys) { remove(id, code: nil) }
                for job in lock.withLock({ pending }) {
                    var outcome = TransferOutcome()
                    outcome.cancelled = true
                    job.completion(outcome)
                }
                return
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                if let id = active.first(where: { $0.value.easy == easy })?.key {
                    remove(id, code: code)
                }
            }
            _ = curl_multi_poll(multi, nil, 0, endStalledTransfers(), nil)
        }
    }

    /// Gives up the transfers that received and sent nothing for their stall limit, and answers how
    /// many milliseconds the loop may wait before the next one could stall (at most a second).
    private func endStalledTransfers() -> Int32 {
        let now = ContinuousClock.now
        var wait = Duration.seconds(1)
        for (id, transfer) in active {
            guard let deadline = transfer.stallDeadline() else { continue }
            if deadline <= now {
                transfer.markStalled(now: now)
                remove(id, code: CURLE_OPERATION_TIMEDOUT)
            } else {
                wait = min(wait, deadline - now)
            }
        }
        let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        return Int32(max(1, min(1000, milliseconds + 1)))
    }

    private func add(_ job: TransferJob) {
        do {
            let transfer = try CurlTransfer(job: job)
            guard curl_multi_add_handle(multi, transfer.easy) == CURLM_OK else {
                var outcome = TransferOutcome()
                outcome.curlCode = Int(CURLE_FAILED_INIT.rawValue)
                outcome.curlMessage = "libcurl refused the transfer"
                job.completion(outcome)
                return
            }
            active[job.id] = transfer
        } catch {
            var outcome = TransferOutcome()
            outcome.curlCode = Int(CURLE_FAILED_INIT.rawValue)
            outcome.setupError = error
            job.completion(outcome)
        }
    }

    /// Takes a transfer off the multi handle and reports it; `code` nil means cancelled.
    private func remove(_ id: UInt64, code: CURLcode?) {
        guard let transfer = active.removeValue(forKey: id) else { return }
        curl_multi_remove_handle(multi, transfer.easy)
        transfer.finish(code: code)
    }
}
