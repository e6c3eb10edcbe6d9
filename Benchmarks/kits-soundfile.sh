#!/usr/bin/env bash
# Times what the Kits.ai adapter does to an input over Kits's 100 MB soundFile limit: a 10-minute
# 44.1 kHz 16-bit stereo WAV (106 MB) re-encoded to FLAC, and to MP3 at 192 kb/s (its fallback), by
# DubKitMedia (`dubkit media extract`, release build, the same AudioExtractor call the adapter makes)
# against the ffmpeg program a user would otherwise run. Prints wall time, peak memory and sizes.
# Options (BENCH_MINUTES, BENCH_DIR, BENCH_KEEP, DUBKIT): see bench-lib.sh.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

if [ ! -s "$work/in.wav" ]; then
    echo "making a ${minutes}-minute 44.1 kHz stereo WAV..." >&2
    ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "sine=frequency=220:sample_rate=44100:duration=$seconds" \
        -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:sample_rate=44100:duration=$seconds" \
        -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=stereo" -c:a pcm_s16le "$work/in.wav"
fi
echo "input: $(stat -c %s "$work/in.wav") bytes (Kits takes at most 100000000)" >&2

echo "== FLAC" >&2
ff=$(run ffmpeg-flac ffmpeg -hide_banner -nostdin -y -i "$work/in.wav" -c:a flac "$work/ffmpeg.flac")
dk=$(run dubkit-flac "$dubkit" media extract "$work/in.wav" -o "$work/dubkit.flac")
compare "$ff" "$dk" "$work/ffmpeg.flac" "$work/dubkit.flac"

echo "== MP3 192 kb/s" >&2
ff=$(run ffmpeg-mp3 ffmpeg -hide_banner -nostdin -y -i "$work/in.wav" -c:a libmp3lame -b:a 192k "$work/ffmpeg.mp3")
dk=$(run dubkit-mp3 "$dubkit" media extract "$work/in.wav" -o "$work/dubkit.mp3")
compare "$ff" "$dk" "$work/ffmpeg.mp3" "$work/dubkit.mp3"
