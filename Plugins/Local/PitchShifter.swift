import CRubberBand
import Foundation

/// librubberband's R3 engine in real-time mode at time ratio 1, with pitch and formant scales settable
/// per block; its output starts aligned with its input (the start delay is dropped).
final class PitchShifter {
    private let state: RubberBandState
    private var toDrop: Int
    private let maxBlock: Int

    init(sampleRate: Int, maxBlock: Int) throws {
        let options = Int32(truncatingIfNeeded: RubberBandOptionProcessRealTime.rawValue | RubberBandOptionEngineFiner.rawValue
            | RubberBandOptionPitchHighConsistency.rawValue | RubberBandOptionFormantPreserved.rawValue
            | RubberBandOptionChannelsTogether.rawValue)
        guard sampleRate > 0, let state = rubberband_new(UInt32(sampleRate), 1, options, 1.0, 1.0) else {
            throw LocalEngineError.pitchShifterUnavailable("rubberband_new failed at \(sampleRate) Hz")
        }
        self.state = state
        self.maxBlock = maxBlock
        rubberband_set_max_process_size(state, UInt32(maxBlock))
        // Real-time mode does no latency compensation of its own: pad the start with the silence it
        // prefers, then drop its start delay from the output.
        toDrop = Int(rubberband_get_start_delay(state))
        var pad = Int(rubberband_get_preferred_start_pad(state))
        while pad > 0 {
            let n = min(pad, maxBlock)
            _ = process([Float](repeating: 0, count: n))
            pad -= n
        }
    }

    deinit { rubberband_delete(state) }

    /// Sets the pitch ratio and the absolute formant ratio for the next block.
    func set(pitch: Double, formant: Double) {
        rubberband_set_pitch_scale(state, pitch)
        // R3's formant scale is relative to the pitch-shifted spectrum.
        rubberband_set_formant_scale(state, formant / pitch)
    }

    /// Processes `samples` (at most `maxBlock`) and returns whatever output is ready.
    func process(_ samples: [Float], final: Bool = false) -> [Float] {
        samples.withUnsafeBufferPointer { buf in
            var channel: UnsafePointer<Float>? = buf.baseAddress
            withUnsafePointer(to: &channel) { rubberband_process(state, $0, UInt32(samples.count), final ? 1 : 0) }
        }
        return retrieve()
    }

    private func retrieve() -> [Float] {
        var out: [Float] = []
        while true {
            let available = Int(rubberband_available(state))
            guard available > 0 else { break }
            var block = [Float](repeating: 0, count: available)
            let got = block.withUnsafeMutableBufferPointer { buf -> Int in
                var channel: UnsafeMutablePointer<Float>? = buf.baseAddress
                return withUnsafePointer(to: &channel) { Int(rubberband_retrieve(state, $0, UInt32(available))) }
            }
            block.removeLast(available - got)
            if toDrop > 0 {
                let drop = min(toDrop, block.count)
                block.removeFirst(drop)
                toDrop -= drop
            }
            out += block
            if got == 0 { break }
        }
        return out
    }
}
