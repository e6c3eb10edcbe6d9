/// Where a paced call hears that the service asked it to wait although the request succeeded (its
/// rate-limit window is spent): ``PacedProvider`` sets ``current`` for the calls it paces, and pauses
/// every rule of the provider that long, as after a 429's `Retry-After`.
public enum ServiceWait {
    /// What pauses one provider: a reference, so that the task-local value is one pointer. (A
    /// task-local of an optional closure type crashed release builds in `swift_task_localValuePush`.)
    public final class Handler: Sendable {
        let pause: @Sendable (Double) async -> Void

        /// A handler that pauses the provider through `pause`.
        public init(_ pause: @escaping @Sendable (Double) async -> Void) { self.pause = pause }
    }

    /// What pauses the provider of the call running in this task; nil outside a paced call.
    @TaskLocal public static var current: Handler?

    /// Holds the provider's next requests back `seconds` (nothing outside a paced call).
    public static func pause(_ seconds: Double) async {
        await current?.pause(seconds)
    }
}
