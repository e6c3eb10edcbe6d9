/// Which fault, if any, the next call of an operation meets: injected ones first, in order, then
/// random ones drawn from a seeded generator.
struct FaultPlan: Sendable {
    private var queued: [FakeVoiceDub.Operation: [(fault: FakeVoiceDub.Fault, times: Int)]] = [:]
    private var random: (faults: [FakeVoiceDub.Fault], rate: Double, generator: SplitMix64)?

    /// Adds `fault` for the next `times` calls of `operation` (after those already queued).
    mutating func inject(_ fault: FakeVoiceDub.Fault, on operation: FakeVoiceDub.Operation, times: Int) {
        guard times > 0 else { return }
        queued[operation, default: []].append((fault, times))
    }

    /// Drops the faults still queued for `operation`.
    mutating func clear(_ operation: FakeVoiceDub.Operation) {
        queued[operation] = nil
    }

    /// Makes each call meet one of `faults` with probability `rate`, drawn from a generator seeded by
    /// `seed`; replaces an earlier random plan (an empty list or a zero rate ends it).
    mutating func injectRandomly(_ faults: [FakeVoiceDub.Fault], rate: Double, seed: UInt64) {
        random = faults.isEmpty ? nil : (faults, min(max(rate, 0), 1), SplitMix64(seed: seed))
    }

    /// The fault the current call of `operation` meets, consuming it.
    mutating func next(for operation: FakeVoiceDub.Operation) -> FakeVoiceDub.Fault? {
        if var list = queued[operation], let first = list.first {
            if first.times > 1 {
                list[0].times -= 1
            } else {
                list.removeFirst()
            }
            queued[operation] = list.isEmpty ? nil : list
            return first.fault
        }
        guard var draw = random else { return nil }
        defer { random = draw }
        let roll = Double(draw.generator.next() >> 11) / Double(1 << 53)
        guard roll < draw.rate else { return nil }
        let applicable = draw.faults.filter { Self.applies($0, to: operation) }
        guard !applicable.isEmpty else { return nil }
        return applicable[Int(draw.generator.next() % UInt64(applicable.count))]
    }

    /// A failing dub or voice only makes sense for calls that touch one.
    private static func applies(_ fault: FakeVoiceDub.Fault, to operation: FakeVoiceDub.Operation) -> Bool {
        if case .dubFails = fault {
            return [.createDub, .preprocessDub, .generateDub, .getDub, .createVoice, .cloneVoice, .getVoice]
                .contains(operation)
        }
        if case .damagedResult = fault { return operation == .downloadDub }
        return true
    }
}

/// A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
