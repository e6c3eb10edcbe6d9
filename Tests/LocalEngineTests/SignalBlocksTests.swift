import Foundation
import Testing
@testable import LocalEngine

@Suite("Signal blocks")
struct SignalBlocksTests {
    /// A 1 s test signal: two partials plus a click, at 22.05 kHz.
    static let rate = 22_050
    static let signal: [Float] = (0..<rate).map { i in
        let t = Double(i) / Double(rate)
        return Float(0.3 * sin(2 * .pi * 220 * t) + 0.2 * sin(2 * .pi * 1500 * t)) + (i == 5000 ? 0.5 : 0)
    }

    /// Runs `signal` through `filter` in uneven blocks.
    static func filtered(_ filter: FIRFilter, _ signal: [Float]) -> [Float] {
        var out: [Float] = []
        var start = 0, size = 300
        while start < signal.count {
            let end = min(signal.count, start + size)
            out += filter.process(Array(signal[start..<end]))
            start = end
            size = size == 300 ? 1777 : 300
        }
        return out + filter.finish(total: signal.count - out.count)
    }

    @Test("a flat EQ gives the input back, aligned, at its gain", arguments: [0.0, 6.0, -12.0])
    func flatEqualiser(_ decibels: Double) {
        let filter = FIRFilter(gains: [Double](repeating: decibels, count: SpectralBands.count), sampleRate: Self.rate)
        let out = Self.filtered(filter, Self.signal)
        #expect(out.count == Self.signal.count)
        let scale = Float(pow(10, decibels / 20))
        let error = zip(out, Self.signal).map { $0 - $1 * scale }.dropFirst(1000).dropLast(1000)
        let errorLevel = 10 * log10(error.map { Double($0 * $0) }.reduce(0, +) / Double(error.count) + 1e-20)
        #expect(errorLevel < -40)
    }

    @Test("the pitch shifter at ratio 1 comes out aligned with its input", arguments: [22_050, 44_100])
    func shifterAlignment(_ rate: Int) throws {
        var seed: UInt32 = 1
        let noise: [Float] = (0..<rate).map { _ in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return Float(Int32(bitPattern: seed)) / Float(Int32.max) * 0.3
        }
        let shifter = try PitchShifter(sampleRate: rate, maxBlock: 441)
        shifter.set(pitch: 1, formant: 1)
        var out: [Float] = []
        var start = 0
        while start < noise.count {
            out += shifter.process(Array(noise[start..<min(noise.count, start + 441)]))
            start += 441
        }
        while out.count < noise.count { out += shifter.process([Float](repeating: 0, count: 441)) }
        // Where the cross-correlation peaks is the delay left over.
        var bestLag = 0, best = -Double.infinity
        for lag in -400...400 {
            var sum = 0.0
            for i in 2000..<(rate - 2000) { sum += Double(noise[i] * out[i + lag]) }
            if sum > best { best = sum; bestLag = lag }
        }
        #expect(bestLag == 0)
    }

    @Test("warping a spectrum and searching for the warp finds the factor back", arguments: [0.85, 1.0, 1.2])
    func warpSearch(_ alpha: Double) {
        let source = SpectralBands.centres.map { f in
            -20 * log10(1 + pow(log(f / 600), 2)) - 12 * pow(log(f / 1800), 2) + 3 * sin(log(f) * 4)
        }
        let target = SpectralBands.warp(source, by: alpha)
        #expect(abs(SpectralBands.bestWarp(from: source, to: target) - alpha) <= 0.02)
    }

    @Test("the EQ is clamped to ±12 dB and has no overall level")
    func equaliserClamp() {
        let source = [Double](repeating: 0, count: SpectralBands.count)
        let target = (0..<SpectralBands.count).map { $0 < 14 ? -40.0 : 40.0 }
        let gains = SpectralBands.equaliser(from: source, to: target)
        #expect(gains.allSatisfy { abs($0) <= 12 })
        #expect(abs(gains.reduce(0, +)) < 1e-6)
    }
}
