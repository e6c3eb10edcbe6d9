import CFFmpeg
import Foundation

/// Compresses an RGB picture into a PNG file's bytes with libavcodec's PNG encoder.
public enum PNGEncoder {
    /// The PNG of `rgb` (row-major, three bytes per pixel, `width` × `height`); `path` names the
    /// file it is for in errors.
    public static func encode(rgb: [UInt8], width: Int, height: Int, path: String) throws -> Data {
        MediaLibrary.prepare()
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw MediaError.unsupportedOutput(path: path, reason: "a \(width)x\(height) picture needs \(width * height * 3) bytes, got \(rgb.count)")
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG), let allocated = avcodec_alloc_context3(codec) else {
            throw MediaError.processingFailed(path: path, detail: "this FFmpeg build has no PNG encoder")
        }
        var context: UnsafeMutablePointer<AVCodecContext>? = allocated
        defer { avcodec_free_context(&context) }
        allocated.pointee.width = Int32(width)
        allocated.pointee.height = Int32(height)
        allocated.pointee.pix_fmt = AV_PIX_FMT_RGB24
        allocated.pointee.time_base = AVRational(num: 1, den: 1)
        let opened = avcodec_open2(allocated, codec, nil)
        guard opened >= 0 else {
            throw MediaError.processingFailed(path: path, detail: "cannot open the PNG encoder: \(FFmpegCode(opened))")
        }
        let picture = try MediaFrame(path: path)
        let packet = try MediaPacket(path: path)
        return try withExtendedLifetime((picture, packet)) {
            let frame = picture.pointer
            frame.pointee.width = Int32(width)
            frame.pointee.height = Int32(height)
            frame.pointee.format = AV_PIX_FMT_RGB24.rawValue
            let buffered = av_frame_get_buffer(frame, 0)
            guard buffered >= 0, let plane = frame.pointee.data.0 else {
                throw MediaError.processingFailed(path: path, detail: "cannot allocate a picture: \(FFmpegCode(buffered))")
            }
            let stride = Int(frame.pointee.linesize.0)
            rgb.withUnsafeBufferPointer { source in
                for row in 0..<height {
                    guard let from = source.baseAddress?.advanced(by: row * width * 3) else { return }
                    (plane + row * stride).update(from: from, count: width * 3)
                }
            }
            var status = avcodec_send_frame(allocated, frame)
            if status >= 0 { status = avcodec_send_frame(allocated, nil) }
            if status >= 0 { status = avcodec_receive_packet(allocated, packet.pointer) }
            guard status >= 0, let bytes = packet.pointer.pointee.data else {
                throw MediaError.processingFailed(path: path, detail: "PNG encoding failed: \(FFmpegCode(status))")
            }
            return Data(bytes: bytes, count: Int(packet.pointer.pointee.size))
        }
    }
}
