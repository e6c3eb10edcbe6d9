import Foundation

/// A fast Fourier transform of real signals of one power-of-two size: one complex transform of half the
/// size on split real/imaginary arrays, its butterflies eight lanes at a time (SIMD), then one pass that
/// untangles the real spectrum. It owns its scratch buffers, so it is reused frame after frame without
/// allocating; one instance belongs to one thread at a time.
public final class RealFFT {
    /// Samples per transform (a power of two, at least 4).
    public let size: Int
    /// Bins of a spectrum: `size / 2 + 1`, from 0 Hz to the Nyquist frequency.
    public var bins: Int { size / 2 + 1 }

    private let half: Int
    /// Per stage of the half-size complex transform with butterfly span h: twiddles `exp(-iπk/h)` at h + k.
    private let stageRe: UnsafeMutablePointer<Float>
    private let stageIm: UnsafeMutablePointer<Float>
    /// `exp(-2πik/size)` for k in 0...size/2, used to untangle the real spectrum.
    private let untangleRe: UnsafeMutablePointer<Float>
    private let untangleIm: UnsafeMutablePointer<Float>
    private let bitReversed: UnsafeMutablePointer<Int32>
    private let zr: UnsafeMutablePointer<Float>
    private let zi: UnsafeMutablePointer<Float>

    /// A transform of `size` samples; nil unless `size` is a power of two of at least 4.
    public init?(size: Int) {
        guard size >= 4, size & (size - 1) == 0 else { return nil }
        self.size = size
        half = size / 2
        let m = size / 2
        stageRe = .allocate(capacity: max(2, m))
        stageIm = .allocate(capacity: max(2, m))
        var h = 1
        while h < m {
            for k in 0..<h {
                let angle = -Double.pi * Double(k) / Double(h)
                stageRe[h + k] = Float(cos(angle))
                stageIm[h + k] = Float(sin(angle))
            }
            h *= 2
        }
        untangleRe = .allocate(capacity: m + 1)
        untangleIm = .allocate(capacity: m + 1)
        for k in 0...m {
            let angle = -2 * Double.pi * Double(k) / Double(size)
            untangleRe[k] = Float(cos(angle))
            untangleIm[k] = Float(sin(angle))
        }
        let bits = m.trailingZeroBitCount
        bitReversed = .allocate(capacity: m)
        for i in 0..<m {
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            bitReversed[i] = Int32(r)
        }
        zr = .allocate(capacity: m)
        zi = .allocate(capacity: m)
    }

    deinit {
        for p in [stageRe, stageIm, untangleRe, untangleIm, zr, zi] { p.deallocate() }
        bitReversed.deallocate()
    }

    /// The spectrum of `size` samples at `input`: `bins` values into `re` and `im` (unscaled).
    public func forward(_ input: UnsafePointer<Float>, re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>) {
        let m = half
        // z[n] = x[2n] + i·x[2n+1], stored in bit-reversed order for the in-place transform.
        for n in 0..<m {
            let j = Int(bitReversed[n])
            zr[j] = input[2 * n]
            zi[j] = input[2 * n + 1]
        }
        complexTransform(zr, zi)
        re[0] = zr[0] + zi[0]
        im[0] = 0
        re[m] = zr[0] - zi[0]
        im[m] = 0
        // X[k] = E + W^k·O with E = (Z[k] + Z*[m-k]) / 2 and O = (Z[k] - Z*[m-k]) / 2i.
        for k in 1..<m {
            let ar = zr[k], ai = zi[k], br = zr[m - k], bi = -zi[m - k]
            let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
            let or = 0.5 * (ai - bi), oi = -0.5 * (ar - br)
            let wr = untangleRe[k], wi = untangleIm[k]
            re[k] = er + wr * or - wi * oi
            im[k] = ei + wr * oi + wi * or
        }
    }

    /// The `size` samples whose spectrum is `bins` values at `re`/`im` (the exact inverse of ``forward(_:re:im:)``,
    /// scaled by 1/size); the imaginary parts of bins 0 and size/2 are ignored.
    public func inverse(re: UnsafePointer<Float>, im: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let m = half
        // Z[k] = E + i·O with E = (X[k] + X*[m-k]) / 2 and O = (X[k] - X*[m-k])·W^-k / 2; conjugated, because
        // the forward transform run on conjugates and conjugated back is the inverse.
        for k in 0..<m {
            let ar = re[k], ai = k == 0 ? 0 : im[k], br = re[m - k], bi = k == 0 ? 0 : -im[m - k]
            let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
            let dr = 0.5 * (ar - br), di = 0.5 * (ai - bi)
            let wr = untangleRe[k], wi = -untangleIm[k]
            let or = dr * wr - di * wi, oi = dr * wi + di * wr
            let j = Int(bitReversed[k])
            zr[j] = er - oi
            zi[j] = -(ei + or)
        }
        complexTransform(zr, zi)
        let scale = 1 / Float(m)
        for n in 0..<m {
            output[2 * n] = zr[n] * scale
            output[2 * n + 1] = -zi[n] * scale
        }
    }

    /// The spectrum of `input` (at least `size` samples; the first `size` are used) as arrays of `bins` values.
    public func forward(_ input: [Float]) -> (re: [Float], im: [Float]) {
        var re = [Float](repeating: 0, count: bins), im = [Float](repeating: 0, count: bins)
        guard input.count >= size else { return (re, im) }
        input.withUnsafeBufferPointer { x in
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in
                    if let xp = x.baseAddress, let rp = r.baseAddress, let ip = i.baseAddress { forward(xp, re: rp, im: ip) }
                }
            }
        }
        return (re, im)
    }

    /// In-place complex transform of `half` values already in bit-reversed order.
    private func complexTransform(_ r: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>) {
        let n = half
        // Spans 1 and 2 together as radix-4 butterflies (no multiplications but by -i).
        if n >= 4 {
            var s = 0
            while s < n {
                let a0r = r[s] + r[s + 1], a0i = m[s] + m[s + 1]
                let a1r = r[s] - r[s + 1], a1i = m[s] - m[s + 1]
                let b0r = r[s + 2] + r[s + 3], b0i = m[s + 2] + m[s + 3]
                let b1r = r[s + 2] - r[s + 3], b1i = m[s + 2] - m[s + 3]
                r[s] = a0r + b0r; m[s] = a0i + b0i
                r[s + 2] = a0r - b0r; m[s + 2] = a0i - b0i
                // b1 times -i is (b1i, -b1r).
                r[s + 1] = a1r + b1i; m[s + 1] = a1i - b1r
                r[s + 3] = a1r - b1i; m[s + 3] = a1i + b1r
                s += 4
            }
        } else if n == 2 {
            let ar = r[0], ai = m[0]
            r[0] = ar + r[1]; m[0] = ai + m[1]
            r[1] = ar - r[1]; m[1] = ai - m[1]
        }
        var h = 4
        while h < n {
            if h >= 8 {
                var start = 0
                while start < n {
                    var k = 0
                    while k < h {
                        let a = start + k, b = a + h
                        let wr = UnsafeRawPointer(stageRe + h + k).loadUnaligned(as: SIMD8<Float>.self)
                        let wi = UnsafeRawPointer(stageIm + h + k).loadUnaligned(as: SIMD8<Float>.self)
                        let ar = UnsafeRawPointer(r + a).loadUnaligned(as: SIMD8<Float>.self)
                        let ai = UnsafeRawPointer(m + a).loadUnaligned(as: SIMD8<Float>.self)
                        let br = UnsafeRawPointer(r + b).loadUnaligned(as: SIMD8<Float>.self)
                        let bi = UnsafeRawPointer(m + b).loadUnaligned(as: SIMD8<Float>.self)
                        let tr = br * wr - bi * wi
                        let ti = br * wi + bi * wr
                        UnsafeMutableRawPointer(r + a).storeBytes(of: ar + tr, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(m + a).storeBytes(of: ai + ti, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(r + b).storeBytes(of: ar - tr, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(m + b).storeBytes(of: ai - ti, as: SIMD8<Float>.self)
                        k += 8
                    }
                    start += 2 * h
                }
            } else {
                var start = 0
                while start < n {
                    for k in 0..<h {
                        let a = start + k, b = a + h
                        let wr = stageRe[h + k], wi = stageIm[h + k]
                        let tr = r[b] * wr - m[b] * wi
                        let ti = r[b] * wi + m[b] * wr
                        r[b] = r[a] - tr; m[b] = m[a] - ti
                        r[a] += tr; m[a] += ti
                    }
                    start += 2 * h
                }
            }
            h *= 2
        }
    }
}
