import Foundation

/// An in-place radix-2 complex FFT of one fixed power-of-two size.
struct FFT {
    let size: Int
    private let cosTable: [Float]
    private let sinTable: [Float]
    private let bitReversed: [Int]

    init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        cosTable = (0..<size / 2).map { Float(cos(-2 * Double.pi * Double($0) / Double(size))) }
        sinTable = (0..<size / 2).map { Float(sin(-2 * Double.pi * Double($0) / Double(size))) }
        let bits = size.trailingZeroBitCount
        bitReversed = (0..<size).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        }
    }

    /// Transforms `re`/`im` in place; `inverse` uses the conjugate twiddles and scales by 1/size.
    func transform(_ re: inout [Float], _ im: inout [Float], inverse: Bool = false) {
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { m in
                // Both buffers hold at least `size` elements (checked by the caller's arrays).
                if let rp = r.baseAddress, let mp = m.baseAddress { transform(rp, mp, inverse: inverse) }
            }
        }
    }

    /// Transforms `size` values at `r`/`m` in place, as ``transform(_:_:inverse:)`` does.
    func transform(_ r: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, inverse: Bool = false) {
        let n = size
        bitReversed.withUnsafeBufferPointer { rev in
            for i in 0..<n {
                let j = rev[i]
                if j > i { swap(&r[i], &r[j]); swap(&m[i], &m[j]) }
            }
        }
        let sign: Float = inverse ? -1 : 1
        cosTable.withUnsafeBufferPointer { ct in
            sinTable.withUnsafeBufferPointer { st in
                var len = 2
                while len <= n {
                    let half = len / 2
                    let step = n / len
                    var start = 0
                    while start < n {
                        var k = 0
                        for j in start..<(start + half) {
                            let wr = ct[k], wi = sign * st[k]
                            let xr = r[j + half], xi = m[j + half]
                            let tr = xr * wr - xi * wi
                            let ti = xr * wi + xi * wr
                            r[j + half] = r[j] - tr
                            m[j + half] = m[j] - ti
                            r[j] += tr
                            m[j] += ti
                            k += step
                        }
                        start += len
                    }
                    len *= 2
                }
            }
        }
        if inverse {
            let scale = 1 / Float(n)
            for i in 0..<n { r[i] *= scale; m[i] *= scale }
        }
    }
}
