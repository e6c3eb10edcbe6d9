import CFFmpeg

/// Sets `layout` (initialised empty, owned and uninitialised by the caller) to `frame`'s channel layout,
/// or to the default layout for its channel count when the decoder left it unspecified: what a
/// resampler or filter graph is told the input is.
func frameChannelLayout(_ frame: UnsafeMutablePointer<AVFrame>, into layout: inout AVChannelLayout) {
    if cff_layout_is_unspecified(&frame.pointee.ch_layout) != 0 {
        cff_default_layout(&layout, frame.pointee.ch_layout.nb_channels)
    } else {
        _ = av_channel_layout_copy(&layout, &frame.pointee.ch_layout)
    }
}
