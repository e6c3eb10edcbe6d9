#!/usr/bin/env bash
# Times putting a dubbed WAV track into a 10-minute 1280x720 H.264+AAC MP4: the ffmpeg program
# (video copied, dub encoded to AAC) vs `dubkit media remux` (release build). Prints wall time and
# peak memory (max RSS) of each and their ratio.
# The ffmpeg program only makes the inputs and serves as the reference; DubKit never calls it.
# BENCH_MINUTES=1 makes shorter inputs (RSS should not change with length); BENCH_DIR/BENCH_KEEP keep files.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-$(mktemp -d /tmp/dubkit-bench.XXXXXX)}"
minutes="${BENCH_MINUTES:-10}"
seconds=$((minutes * 60))
mkdir -p "$work"
trap 'if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; fi' EXIT

# DUBKIT=/path/to/release/dubkit uses a binary built elsewhere (e.g. with --scratch-path).
dubkit="${DUBKIT:-$root/.build/release/dubkit}"
if [ ! -x "$dubkit" ]; then
    echo "building dubkit (release)..." >&2
    (cd "$root" && swift build -c release --product dubkit >&2)
fi

if [ ! -s "$work/in.mp4" ]; then
    echo "making a ${minutes}-minute 1280x720 H.264+AAC input..." >&2
    ffmpeg -hide_banner -loglevel error -nostdin -y \
        -f lavfi -i "testsrc=size=1280x720:rate=25:duration=$seconds" \
        -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
        -c:v libx264 -preset ultrafast -crf 30 -c:a aac -b:a 128k -ac 2 -shortest "$work/in.mp4"
fi
if [ ! -s "$work/dub.wav" ]; then
    echo "making a ${minutes}-minute 48 kHz stereo WAV dub..." >&2
    ffmpeg -hide_banner -loglevel error -nostdin -y \
        -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=$seconds" -ac 2 -c:a pcm_s16le "$work/dub.wav"
fi
echo "input: $(du -h "$work/in.mp4" | cut -f1) $work/in.mp4, dub: $(du -h "$work/dub.wav" | cut -f1)" >&2

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

ff=$(run ffmpeg ffmpeg -hide_banner -nostdin -y -i "$work/in.mp4" -i "$work/dub.wav" \
    -map 0:v -map 1:a -c:v copy -c:a aac "$work/ffmpeg.mp4")
dk=$(run dubkit "$dubkit" media remux "$work/in.mp4" "$work/dub.wav" -o "$work/dubkit.mp4" --language spa)

read -r _ ff_wall ff_rss <<<"$ff"
read -r _ dk_wall dk_rss <<<"$dk"
ff_size=$(stat -c %s "$work/ffmpeg.mp4")
dk_size=$(stat -c %s "$work/dubkit.mp4")
printf '%-8s %10s %14s %14s\n' tool "wall (s)" "max RSS (MB)" "output (bytes)"
printf '%-8s %10.2f %14.1f %14d\n' ffmpeg "$ff_wall" "$(echo "$ff_rss / 1024" | bc -l)" "$ff_size"
printf '%-8s %10.2f %14.1f %14d\n' dubkit "$dk_wall" "$(echo "$dk_rss / 1024" | bc -l)" "$dk_size"
printf 'ratio dubkit/ffmpeg: wall %.2f, max RSS %.2f\n' \
    "$(echo "$dk_wall / $ff_wall" | bc -l)" "$(echo "$dk_rss / $ff_rss" | bc -l)"
