import CFFmpeg

/// An FFmpeg return code with its readable message (the av_err2str equivalent).
struct FFmpegCode: CustomStringConvertible, Sendable {
    let value: Int32

    init(_ value: Int32) {
        self.value = value
    }

    static let again = cff_averror_eagain()
    static let endOfFile = cff_averror_eof()
    static let invalidData = cff_averror_invaliddata()
    static let noSuchFile = cff_averror_enoent()

    var description: String {
        var buffer = [CChar](repeating: 0, count: 256)
        cff_error_string(value, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A C string from FFmpeg as a Swift string; nil when the pointer is null.
func swiftString(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
}
