/// The samples a streaming filter's output owes to its latency (the window's or the kernel's delay):
/// dropped from the start of what it returns, so output sample n lines up with input sample n.
struct LatencyTrim {
    /// Samples still to drop.
    private(set) var remaining: Int

    /// Drops the first `samples` of the output.
    init(_ samples: Int) { remaining = samples }

    /// `out` without the samples still owed, counting them off.
    mutating func apply(_ out: [Float]) -> [Float] {
        guard remaining > 0 else { return out }
        let dropped = min(remaining, out.count)
        remaining -= dropped
        return Array(out.dropFirst(dropped))
    }
}
