/// Which audio stream of the input to extract.
public enum AudioStreamSelection: Sendable, Equatable {
    /// The first audio stream in file order.
    case first
    /// The stream with this index (as `dubkit media probe` lists it); it must be audio.
    case index(Int)
    /// The first audio stream tagged with this language (e.g. `eng`), compared case-insensitively.
    case language(String)

    /// How the request reads in an error message.
    var description: String {
        switch self {
        case .first: "(first)"
        case .index(let index): "with index \(index)"
        case .language(let language): "in language '\(language)'"
        }
    }
}
