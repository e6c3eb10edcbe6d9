/// A status whose changes are governed by an explicit transition table.
public protocol LifecycleStatus: RawRepresentable, CaseIterable, Hashable, Sendable, Codable
where RawValue == String, AllCases: Sendable {
    /// The entity whose status this is, for errors and events.
    static var entity: EntityKind { get }
    /// Every allowed change: the statuses reachable in one step from each status.
    static var transitions: [Self: Set<Self>] { get }
}

extension LifecycleStatus {
    /// The statuses reachable from this one in one step, in declaration order.
    public var successors: [Self] {
        let next = Self.transitions[self] ?? []
        return Self.allCases.filter { next.contains($0) }
    }

    /// True when no transition leaves this status.
    public var isFinal: Bool { successors.isEmpty }

    /// True when the table allows going from this status to `next`.
    public func canTransition(to next: Self) -> Bool {
        Self.transitions[self]?.contains(next) ?? false
    }

    /// Throws ``DubKitError/illegalTransition(entity:id:from:to:allowed:)`` unless the table allows it.
    public func checkTransition(to next: Self, id: Int64) throws(DubKitError) {
        guard canTransition(to: next) else {
            throw .illegalTransition(
                entity: Self.entity, id: id, from: rawValue, to: next.rawValue,
                allowed: successors.map(\.rawValue))
        }
    }

    /// Every allowed (from, to) pair, for the store's guard triggers.
    static var allowedPairs: [(from: String, to: String)] {
        allCases.flatMap { from in from.successors.map { (from.rawValue, $0.rawValue) } }
    }
}
