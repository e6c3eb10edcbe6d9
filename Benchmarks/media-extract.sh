#!/usr/bin/env bash
# Times audio extraction from a 10-minute 1280x720 H.264+AAC MP4: the ffmpeg program vs
# `dubkit media extract` (release build). Prints wall time and peak memory (max RSS) of each.
# The ffmpeg program only makes the input and serves as the reference; DubKit never calls it.
# Options (BENCH_MINUTES, BENCH_DIR, BENCH_KEEP, DUBKIT): see bench-lib.sh.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

make_video_input
echo "input: $(du -h "$work/in.mp4" | cut -f1) $work/in.mp4" >&2

ff=$(run ffmpeg ffmpeg -hide_banner -nostdin -y -i "$work/in.mp4" -vn -ar 44100 -c:a pcm_s16le "$work/ffmpeg.wav")
dk=$(run dubkit "$dubkit" media extract "$work/in.mp4" -o "$work/dubkit.wav" --rate 44100)
compare "$ff" "$dk" "$work/ffmpeg.wav" "$work/dubkit.wav"
