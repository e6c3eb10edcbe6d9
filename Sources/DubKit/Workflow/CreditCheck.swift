/// The check before a paid call (generate, train) at a provider that tells the account's credits
/// (``Provider/balance()``): a call the account cannot cover is refused before it is sent.
enum CreditCheck {
    /// Throws `not_enough_credits`, naming what `call` needs and what the account has, when `required`
    /// is more than the provider says is left; nothing when the provider does not say.
    static func cover(_ required: Int64, at provider: any Provider, for call: String) async throws {
        guard let available = try await provider.balance(), required > available else { return }
        let id = provider.descriptor.id
        throw ProviderError.remote(
            provider: id, status: nil, code: "not_enough_credits",
            message: "\(call) refused before sending: it needs \(required) credits and the account has \(available). "
                + "Buy credits at \(provider.descriptor.name) or shorten the input; `dubkit provider check \(id)` shows what is left.")
    }
}
