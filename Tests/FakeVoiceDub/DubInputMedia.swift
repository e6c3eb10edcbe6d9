import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import Foundation

/// What the fake does with a dub's input: fetch a link, measure the audio, and make the result it
/// serves at `dubUrl` (the input's first audio track as a WAV, pitch-shifted by `pitchShift`).
enum DubInputMedia {
    /// Inputs longer than this end in `error` (the spec: "Dubs are currently limited to 30 minutes").
    static let maximumMilliseconds: Int64 = 30 * 60_000

    /// Decodes `input` into a WAV at `output` (at `tempo`, 1 keeping its length) and returns the
    /// input's length in milliseconds, or the failure the dub ends with.
    static func render(_ input: URL, pitchShift: Int, tempo: Double = 1, to output: URL) -> Result<Int64, FakeDub.Failure> {
        var filters: [AudioFilter] = pitchShift == 0 ? [] : [.pitchShift(semitones: Double(pitchShift))]
        if tempo != 1 { filters.append(.tempo(tempo)) }
        let tooLong = FakeDub.Failure(code: "input_too_long", message: "Dubs are limited to 30 minutes")
        if let seconds = try? MediaProbe.probe(input).durationSeconds, seconds * 1000 > Double(maximumMilliseconds) + 500 {
            return .failure(tooLong)
        }
        do {
            let extraction = try AudioExtractor.extractAudio(
                from: input, to: output, options: AudioExtractionOptions(format: .wav, filters: filters))
            // The input's length, which the credits follow, not the (slowed) result's.
            let milliseconds = Int64((extraction.durationSeconds * tempo * 1000).rounded())
            guard milliseconds <= maximumMilliseconds else { return .failure(tooLong) }
            guard milliseconds > 0 else {
                return .failure(.init(code: "invalid_input", message: "The input has no audio"))
            }
            return .success(milliseconds)
        } catch {
            return .failure(.init(code: "invalid_input", message: "The input could not be decoded as audio"))
        }
    }

    /// Downloads `link` (only 127.0.0.1 or localhost) into `destination`; false when that fails.
    static func fetch(_ link: URL, to destination: URL) -> Bool {
        guard ["127.0.0.1", "localhost"].contains(link.host ?? "") else { return false }
        let done = DispatchSemaphore(value: 0)
        let outcome = Locked(false)
        Task.detached {
            defer { done.signal() }
            guard let client = try? HTTPClient() else { return }
            let fetched = (try? await client.download(HTTPRequest(.get, link), to: destination)) != nil
            outcome.withLock { $0 = fetched }
        }
        done.wait()
        return outcome.current
    }

    /// Writes a mono 16-bit 16 kHz WAV of a 220 Hz tone lasting `seconds`: the stand-in for a remote link.
    static func writeTone(_ url: URL, seconds: Double) throws {
        let rate = 16_000
        let count = Int(seconds * Double(rate))
        var samples = Data(capacity: count * 2)
        for index in 0..<count {
            let value = Int16(8000 * sin(2 * Double.pi * 220 * Double(index) / Double(rate)))
            withUnsafeBytes(of: value.littleEndian) { samples.append(contentsOf: $0) }
        }
        var header = Data()
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        header.append(Data("RIFF".utf8)); append32(UInt32(36 + samples.count)); header.append(Data("WAVE".utf8))
        header.append(Data("fmt ".utf8)); append32(16); append16(1); append16(1)
        append32(UInt32(rate)); append32(UInt32(rate * 2)); append16(2); append16(16)
        header.append(Data("data".utf8)); append32(UInt32(samples.count))
        try (header + samples).write(to: url)
    }
}
