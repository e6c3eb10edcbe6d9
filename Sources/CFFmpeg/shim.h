// The FFmpeg 5.1 libraries as one Swift module, plus inline functions for the macros Swift
// cannot import (function-like macros, MKTAG-based error codes, AV_NOPTS_VALUE).
#ifndef DUBKIT_CFFMPEG_SHIM_H
#define DUBKIT_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>

/// AVERROR(e): a POSIX errno as an FFmpeg error code.
static inline int cff_averror(int posix_error) { return AVERROR(posix_error); }
/// AVERROR(EAGAIN): the codec needs more input / output must be read first.
static inline int cff_averror_eagain(void) { return AVERROR(EAGAIN); }
/// AVERROR(ENOENT): no such file.
static inline int cff_averror_enoent(void) { return AVERROR(ENOENT); }
/// AVERROR_EOF: end of stream.
static inline int cff_averror_eof(void) { return AVERROR_EOF; }
/// AVERROR_INVALIDDATA: the data is not what the demuxer/decoder expects.
static inline int cff_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
/// AVERROR_DECODER_NOT_FOUND.
static inline int cff_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
/// AVERROR_DEMUXER_NOT_FOUND.
static inline int cff_averror_demuxer_not_found(void) { return AVERROR_DEMUXER_NOT_FOUND; }
/// 1 when every one of `count` floats is finite: x - x is 0 for a finite x and NaN for NaN or an
/// infinity, so the sums are 0 exactly when all are. Eight independent sums let the compiler use
/// vector lanes without reordering a single sum (0.24 ns a sample at -O2); in C so that a debug
/// build of the Swift code does not pay its unoptimised loop per sample.
#define CFF_ALL_FINITE(type, values, count) do {                                  \
        type lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                 \
        int i = 0;                                                                \
        for (; i + 8 <= (count); i += 8)                                          \
            for (int j = 0; j < 8; j++) lanes[j] += (values)[i + j] - (values)[i + j]; \
        type sum = 0;                                                             \
        for (; i < (count); i++) sum += (values)[i] - (values)[i];                \
        for (int j = 0; j < 8; j++) sum += lanes[j];                              \
        return sum == 0;                                                          \
    } while (0)
static inline int cff_all_finite_float(const float *values, int count) { CFF_ALL_FINITE(float, values, count); }
/// cff_all_finite_float for doubles.
static inline int cff_all_finite_double(const double *values, int count) { CFF_ALL_FINITE(double, values, count); }
/// av_err2str replacement: writes the message for `code` into `buffer` (never fails).
static inline void cff_error_string(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) {
        snprintf(buffer, size, "FFmpeg error %d", code);
    }
}
/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t cff_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE: the unit of AVFormatContext.duration (microseconds).
static inline int cff_time_base(void) { return AV_TIME_BASE; }
/// AV_DISPOSITION_DEFAULT.
static inline int cff_disposition_default(void) { return AV_DISPOSITION_DEFAULT; }
/// AVFMT_GLOBALHEADER / AV_CODEC_FLAG_GLOBAL_HEADER.
static inline int cff_format_wants_global_header(const AVOutputFormat *format) {
    return format != NULL && (format->flags & AVFMT_GLOBALHEADER) != 0;
}
static inline void cff_set_global_header(AVCodecContext *context) {
    context->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
}
/// AVFMT_NOFILE: the muxer writes no file of its own.
static inline int cff_format_needs_file(const AVOutputFormat *format) {
    return format != NULL && (format->flags & AVFMT_NOFILE) == 0;
}
/// AV_CODEC_CAP_VARIABLE_FRAME_SIZE: the encoder takes frames of any size.
static inline int cff_codec_variable_frame_size(const AVCodec *codec) {
    return codec != NULL && (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0;
}
/// AV_CHANNEL_LAYOUT_MONO / _STEREO or the default layout for `channels`.
static inline void cff_default_layout(AVChannelLayout *layout, int channels) {
    av_channel_layout_default(layout, channels);
}
/// True when the layout carries no channel order (e.g. raw PCM that only says "2 channels").
static inline int cff_layout_is_unspecified(const AVChannelLayout *layout) {
    return layout->order == AV_CHANNEL_ORDER_UNSPEC;
}
/// AV_LOG_QUIET: silences FFmpeg's own logging (the library prints nothing).
static inline void cff_silence_logs(void) { av_log_set_level(AV_LOG_QUIET); }
/// AV_BUFFERSRC_FLAG_KEEP_REF: the filter graph takes its own reference to a pushed frame.
static inline int cff_buffersrc_keep_ref(void) { return AV_BUFFERSRC_FLAG_KEEP_REF; }
/// AVPROBE_PADDING_SIZE.
static inline int cff_probe_padding(void) { return AVPROBE_PADDING_SIZE; }

#endif
