import DubKit
import Foundation

/// An adapter's own error type, as the kit maps it: every adapter's wire errors become the core's
/// ``ProviderError`` through ``providerError``, and the kit makes the failures every adapter shares
/// (a missing key, a value refused before any request) under the same names.
public protocol ProviderWireError: Error, Sendable {
    /// No key in the provider's variable nor saved with `dubkit provider login`.
    static func missingKey(variable: String) -> Self
    /// A value the provider would refuse, or a step the job is not ready for, caught before any request.
    static func invalidValue(field: String, value: String, allowed: String) -> Self
    /// The error as the core sees it, with the provider's status, code and a message saying what to do.
    var providerError: ProviderError { get }
}

extension ProviderWireError {
    /// Refuses a voice id whose form the provider never makes (`isValid` false) before anything is sent,
    /// as the core's ``ProviderError/invalidParameter(provider:field:value:allowed:)`` naming what it takes.
    public static func checkVoice(_ voice: String, isValid: Bool, allowed: String) throws(ProviderError) {
        guard isValid else { throw invalidValue(field: "voice", value: voice.debugDescription, allowed: allowed).providerError }
    }
}

extension Provider {
    /// Runs `body`, handing the core a ``ProviderError`` for any adapter's ``ProviderWireError``: the one
    /// place an adapter's stage meets the core's error type.
    public func typed<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as any ProviderWireError {
            throw error.providerError
        }
    }
}
