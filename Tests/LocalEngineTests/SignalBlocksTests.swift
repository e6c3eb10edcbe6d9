import Foundation
import Testing
@testable import DubKitVoiceDSP
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

    @Test("the PSOLA shifter at ratios 1 gives its input back, aligned, voiced or not", arguments: [0.0, 150.0])
    func shifterIdentity(_ f0: Double) throws {
        let rate = 44_100
        var seed: UInt32 = 1
        let signal: [Float] = (0..<rate).map { i in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            let t = Double(i) / Double(rate)
            return Float(0.3 * sin(2 * .pi * 150 * t) + 0.1 * sin(2 * .pi * 450 * t)) + Float(Int32(bitPattern: seed)) / Float(Int32.max) * 0.05
        }
        let frames = rate / 882 + 1
        let contour = PitchContour(hop: 882, centre: 551, sampleRate: Double(rate),
                                   f0: [Float](repeating: Float(f0), count: frames), logRatio: [Float](repeating: 0, count: frames))
        let shifter = PSOLAShifter(contour: contour, formantRatio: 1)
        var out: [Float] = []
        var start = 0
        while start < signal.count {
            out += shifter.process(Array(signal[start..<min(signal.count, start + 1000)]))
            start += 1000
        }
        out += shifter.finish(end: signal.count)
        #expect(out.count == signal.count)
        let error = zip(out, signal).map { $0 - $1 }.dropFirst(2000).dropLast(2000)
        let errorLevel = 10 * log10(error.map { Double($0 * $0) }.reduce(0, +) / Double(error.count) + 1e-20)
        #expect(errorLevel < -60)
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
