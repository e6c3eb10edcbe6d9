/// The filter values the public catalogue accepts (`GET /v1/voices`).
public enum VoiceDubCatalogue {
    public static let languages = ["english", "spanish", "korean", "japanese", "french", "russian", "thai"]
    public static let genres = ["pop", "rap", "rock", "country", "rnb", "alternative", "jazz"]
    public static let styles = ["singing", "rapping", "speaking", "character", "other"]
}
