/// Where a paced call hears that the service asked it to wait although the request succeeded (its
/// rate-limit window is spent): ``PacedProvider`` sets ``current`` for the calls it paces, and pauses
/// every rule of the provider that long, as after a 429's `Retry-After`.
public enum ServiceWait {
    /// What pauses the provider of the call running in this task; nil outside a paced call.
    @TaskLocal public static var current: (@Sendable (Double) async -> Void)?

    /// Holds the provider's next requests back `seconds` (nothing outside a paced call).
    public static func pause(_ seconds: Double) async {
        await current?(seconds)
    }
}
