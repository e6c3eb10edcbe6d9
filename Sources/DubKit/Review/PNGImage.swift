import DubKitMedia
import Foundation

/// An RGB picture, drawn pixel by pixel and written as a PNG file.
public struct PNGImage: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGB bytes, three per pixel.
    public private(set) var pixels: [UInt8]

    /// A picture filled with `background`.
    public init(width: Int, height: Int, background: (UInt8, UInt8, UInt8)) {
        self.width = max(1, width)
        self.height = max(1, height)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for index in 0..<(self.width * self.height) {
            pixels[3 * index] = background.0
            pixels[3 * index + 1] = background.1
            pixels[3 * index + 2] = background.2
        }
    }

    /// Sets one pixel; points outside the picture are ignored.
    public mutating func set(_ x: Int, _ y: Int, _ color: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let offset = 3 * (y * width + x)
        pixels[offset] = color.0
        pixels[offset + 1] = color.1
        pixels[offset + 2] = color.2
    }

    /// The picture as a compressed PNG file's bytes (libavcodec's encoder); `path` names the file in errors.
    public func pngData(path: String) throws -> Data {
        try PNGEncoder.encode(rgb: pixels, width: width, height: height, path: path)
    }
}
