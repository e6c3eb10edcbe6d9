/// The version `dubkit --version` prints: the release number, kept here and nowhere else, and the
/// `git describe` of the checkout the build was made from (written at build time by the VersionStamp
/// build plugin) when there is one.
enum DubKitVersion {
    /// The release number.
    static let number = "0.1.0"

    /// `0.1.0 (7933596-dirty)`, or `0.1.0` for a build outside a git checkout.
    static var text: String {
        buildGitDescription.isEmpty ? number : "\(number) (\(buildGitDescription))"
    }
}
