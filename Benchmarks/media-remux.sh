#!/usr/bin/env bash
# Times putting a dubbed WAV track into a 10-minute 1280x720 H.264+AAC MP4: the ffmpeg program
# (video copied, dub encoded to AAC at 160 kb/s, DubKit's rate) vs `dubkit media remux` (release build). Prints wall time and
# peak memory (max RSS) of each and their ratio.
# The ffmpeg program only makes the inputs and serves as the reference; DubKit never calls it.
# Options (BENCH_MINUTES, BENCH_DIR, BENCH_KEEP, DUBKIT): see bench-lib.sh.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

make_video_input
if [ ! -s "$work/dub.wav" ]; then
    echo "making a ${minutes}-minute 48 kHz stereo WAV dub..." >&2
    ffmpeg -hide_banner -loglevel error -nostdin -y \
        -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=$seconds" -ac 2 -c:a pcm_s16le "$work/dub.wav"
fi
echo "input: $(du -h "$work/in.mp4" | cut -f1) $work/in.mp4, dub: $(du -h "$work/dub.wav" | cut -f1)" >&2

ff=$(run ffmpeg ffmpeg -hide_banner -nostdin -y -i "$work/in.mp4" -i "$work/dub.wav" \
    -map 0:v -map 1:a -c:v copy -c:a aac -b:a 160k "$work/ffmpeg.mp4")
dk=$(run dubkit "$dubkit" media remux "$work/in.mp4" "$work/dub.wav" -o "$work/dubkit.mp4" --language spa)
compare "$ff" "$dk" "$work/ffmpeg.mp4" "$work/dubkit.mp4"
