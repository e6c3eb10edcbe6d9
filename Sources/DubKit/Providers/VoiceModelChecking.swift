import Foundation

/// A provider whose trained voices carry a model on this machine (``Voice/modelData``, the local
/// engine's profile) and that can tell a damaged one before it is stored or used.
public protocol VoiceModelChecking: Sendable {
    /// Throws ``DubKitError/invalidField(field:value:allowed:)`` naming the first field of `model` (a
    /// voice's model data) the provider cannot use; `voice` names the voice in the message.
    func checkVoiceModel(_ model: JSONValue?, voice: String) throws(DubKitError)
}
