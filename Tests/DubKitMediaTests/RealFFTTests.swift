@testable import DubKitMedia
import Foundation
import Testing

@Suite("RealFFT")
struct RealFFTTests {
    /// A deterministic noise signal with a tone in it.
    static func signal(_ n: Int) -> [Float] {
        var state: UInt32 = 12345
        return (0..<n).map { i in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) - 0.5 + Float(sin(0.3 * Double(i)))
        }
    }

    @Test("matches a direct DFT within single-precision rounding", arguments: [4, 8, 16, 32, 64, 256, 1024, 4096])
    func matchesDFT(_ n: Int) throws {
        let fft = try #require(RealFFT(size: n))
        let x = Self.signal(n)
        let (re, im) = fft.forward(x)
        var worst = 0.0, scale = 0.0
        for k in 0...(n / 2) {
            var sr = 0.0, si = 0.0
            for (t, v) in x.enumerated() {
                let angle = -2 * Double.pi * Double(k * t % n) / Double(n)
                sr += Double(v) * cos(angle)
                si += Double(v) * sin(angle)
            }
            worst = max(worst, abs(sr - Double(re[k])), abs(si - Double(im[k])))
            scale = max(scale, (sr * sr + si * si).squareRoot())
        }
        #expect(worst / scale < 1e-5, "size \(n): worst error \(worst) of \(scale)")
    }

    @Test("the inverse gives the signal back", arguments: [4, 16, 512, 2048])
    func roundTrip(_ n: Int) throws {
        let fft = try #require(RealFFT(size: n))
        let x = Self.signal(n)
        var (re, im) = fft.forward(x)
        var y = [Float](repeating: 0, count: n)
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                y.withUnsafeMutableBufferPointer { o in
                    if let rp = r.baseAddress, let ip = i.baseAddress, let op = o.baseAddress { fft.inverse(re: rp, im: ip, output: op) }
                }
            }
        }
        let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-5)
    }

    @Test("refuses sizes that are not powers of two of at least 4", arguments: [0, 2, 3, 6, 100])
    func badSizes(_ n: Int) {
        #expect(RealFFT(size: n) == nil)
    }
}
