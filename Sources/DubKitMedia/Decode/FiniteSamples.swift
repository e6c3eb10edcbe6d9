import CFFmpeg

/// The check that decoded audio holds numbers. A float file can carry NaN or infinity, which every
/// later step (loudness, resampling, analysis, the local engine) would turn into silence, noise or a
/// failure far from its cause; it is refused where it is decoded, naming the file.
enum FiniteSamples {
    /// Throws ``MediaError/nonFiniteSamples(path:seconds:)`` when `frame` (as a decoder delivers it)
    /// holds a NaN or an infinity. Integer formats cannot hold either and are not looked at; a float
    /// frame costs one pass over its samples.
    static func check(_ frame: UnsafeMutablePointer<AVFrame>, path: String, seconds: Double?) throws {
        let format = AVSampleFormat(rawValue: frame.pointee.format)
        let isFloat = format == AV_SAMPLE_FMT_FLT || format == AV_SAMPLE_FMT_FLTP
        let isDouble = format == AV_SAMPLE_FMT_DBL || format == AV_SAMPLE_FMT_DBLP
        guard isFloat || isDouble, let data = frame.pointee.extended_data else { return }
        let channels = Int(frame.pointee.ch_layout.nb_channels)
        let samples = Int(frame.pointee.nb_samples)
        let planar = av_sample_fmt_is_planar(format) != 0
        let (planes, count) = planar ? (channels, samples) : (1, samples * channels)
        for plane in 0..<planes {
            guard let bytes = data[plane] else { continue }
            let raw = UnsafeRawPointer(bytes)
            let finite = isFloat
                ? cff_all_finite_float(raw.assumingMemoryBound(to: Float.self), Int32(count))
                : cff_all_finite_double(raw.assumingMemoryBound(to: Double.self), Int32(count))
            if finite == 0 { throw MediaError.nonFiniteSamples(path: path, seconds: seconds) }
        }
    }
}
