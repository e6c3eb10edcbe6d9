#!/usr/bin/env bash
# Times audio extraction from a 10-minute 1280x720 H.264+AAC MP4: the ffmpeg program vs
# `dubkit media extract` (release build). Prints wall time and peak memory (max RSS) of each.
# The ffmpeg program only makes the input and serves as the reference; DubKit never calls it.
# BENCH_MINUTES=1 makes a shorter input (RSS should not change with length); BENCH_DIR/BENCH_KEEP keep files.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-$(mktemp -d /tmp/dubkit-bench.XXXXXX)}"
minutes="${BENCH_MINUTES:-10}"
seconds=$((minutes * 60))
mkdir -p "$work"
trap 'if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; fi' EXIT

if [ ! -x "$root/.build/release/dubkit" ]; then
    echo "building dubkit (release)..." >&2
    (cd "$root" && swift build -c release --product dubkit >&2)
fi
dubkit="$root/.build/release/dubkit"

if [ ! -s "$work/in.mp4" ]; then
    echo "making a ${minutes}-minute 1280x720 H.264+AAC input..." >&2
    ffmpeg -hide_banner -loglevel error -nostdin -y \
        -f lavfi -i "testsrc=size=1280x720:rate=25:duration=$seconds" \
        -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
        -c:v libx264 -preset ultrafast -crf 30 -c:a aac -b:a 128k -ac 2 -shortest "$work/in.mp4"
fi
echo "input: $(du -h "$work/in.mp4" | cut -f1) $work/in.mp4" >&2

# run NAME COMMAND...: prints "NAME wall_seconds max_rss_kb"
run() {
    local name="$1"; shift
    /usr/bin/time -v -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || {
        cat "$work/$name.err" >&2; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$name.time" \
        | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
    echo "$name $wall $rss"
}

ff=$(run ffmpeg ffmpeg -hide_banner -nostdin -y -i "$work/in.mp4" -vn -ar 44100 -c:a pcm_s16le "$work/ffmpeg.wav")
dk=$(run dubkit "$dubkit" media extract "$work/in.mp4" -o "$work/dubkit.wav" --rate 44100)

read -r _ ff_wall ff_rss <<<"$ff"
read -r _ dk_wall dk_rss <<<"$dk"
ff_size=$(stat -c %s "$work/ffmpeg.wav")
dk_size=$(stat -c %s "$work/dubkit.wav")
printf '%-8s %10s %14s %14s\n' tool "wall (s)" "max RSS (MB)" "output (bytes)"
printf '%-8s %10.2f %14.1f %14d\n' ffmpeg "$ff_wall" "$(echo "$ff_rss / 1024" | bc -l)" "$ff_size"
printf '%-8s %10.2f %14.1f %14d\n' dubkit "$dk_wall" "$(echo "$dk_rss / 1024" | bc -l)" "$dk_size"
printf 'ratio dubkit/ffmpeg: wall %.2f, max RSS %.2f\n' \
    "$(echo "$dk_wall / $ff_wall" | bc -l)" "$(echo "$dk_rss / $ff_rss" | bc -l)"
