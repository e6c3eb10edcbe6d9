import DubKitMedia
import Foundation

/// The converter's output: mono 16-bit PCM written by DubKitMedia's ``PCMWAVWriter``, counting the
/// samples beyond full scale (written clipped), with its failures named as the engine's.
final class OutputWAV {
    private let writer: PCMWAVWriter
    /// Samples beyond full scale so far.
    private(set) var clippedSamples = 0

    /// Creates (or truncates) `url`.
    init(_ url: URL, sampleRate: Int) throws(LocalEngineError) {
        do { writer = try PCMWAVWriter(url, sampleRate: sampleRate) } catch {
            throw .unwritableOutput(file: url.path, reason: error.localizedDescription)
        }
    }

    /// Appends samples, clipped to -1...1.
    func append(_ samples: [Float]) throws(LocalEngineError) {
        var clipped = 0
        for sample in samples where abs(sample) > 1 { clipped += 1 }
        clippedSamples += clipped
        do { try writer.write(samples) } catch { throw .unwritableOutput(file: writer.url.path, reason: error.localizedDescription) }
    }

    /// Writes the final sizes and closes the file.
    func finish() throws(LocalEngineError) {
        do { try writer.finish() } catch { throw .unwritableOutput(file: writer.url.path, reason: error.localizedDescription) }
    }
}
