/// The dub settings the core defines once and checks once, whichever provider converts the dub.
///
/// A provider's other parameters (`conversionStrength`, `speed`, …) are its own and are listed in its
/// ``ProviderDescriptor/parameters``.
public enum ParameterCatalogue {
    /// The pitch shift: `--pitch N`, or `--param pitchShift=N` (`pitch_shift`, the voice-convert
    /// service's name, is the same parameter). Stored on the dub as ``Dub/pitchShift``.
    public static let pitchShift = CatalogueParameter(name: "pitchShift", flag: "--pitch", range: -24...24,
                                                      unit: "semitones", aliases: ["pitch_shift"])

    /// Every parameter of the catalogue.
    public static let all: [CatalogueParameter] = [pitchShift]
}
