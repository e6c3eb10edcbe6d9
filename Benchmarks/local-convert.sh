#!/usr/bin/env bash
# Real-time factor of the local engine's VoiceConverter, and of `dubkit convert` end to end (extract,
# convert, level the loudness to -16 LUFS, write), against the rubberband program doing a +4 semitone
# formant-preserving shift of the same file (R2: -p 4 -F, R3: -3 -p 4 -F), each pinned to ONE core, on a
# 10-minute 44.1 kHz mono speech file. Needs espeak-ng, sox, rubberband-cli, ffmpeg (to check the
# output's loudness), taskset and /usr/bin/time.
# Usage: Benchmarks/local-convert.sh [work-folder]   (figures go to stdout)
# BENCH_RUNS (default 2) rounds of the three programs side by side; BENCH_CORE (default 1) the core;
# BENCH_MINUTES (default 10) the input's length (peak memory should not change with it).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d /tmp/local-convert-bench.XXXXXX)}"
runs="${BENCH_RUNS:-2}"
core="${BENCH_CORE:-1}"
minutes="${BENCH_MINUTES:-10}"
seconds=$((minutes * 60))
mkdir -p "$work"
export PATH="/opt/swift/usr/bin:$PATH"

swift build -c release --product local-engine-bench >&2
swift build -c release --product dubkit >&2
bench="$(swift build -c release --show-bin-path)/local-engine-bench"
dubkit="$(swift build -c release --show-bin-path)/dubkit"

text="A journey of a thousand miles begins with a single step. Every cloud has a silver lining, \
and the early bird catches the worm. Peter Piper picked a peck of pickled peppers."
espeak-ng -v en+m3 -w "$work/m3.wav" "$text"
espeak-ng -v en+f3 -w "$work/f3.wav" "The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore."
# Loop m3 to the wanted length at 44.1 kHz mono, 16-bit.
repeats=$(python3 -c "import math; print(math.ceil($seconds / $(soxi -D "$work/m3.wav")))")
sox "$work/m3.wav" -r 44100 -b 16 -c 1 "$work/long.wav" repeat "$repeats" trim 0 "$seconds"
echo "input: $(soxi -D "$work/long.wav") s, $(soxi -r "$work/long.wav") Hz; every program pinned to core $core"
echo "before: $(uptime)"

# measure LABEL COMMAND...: runs COMMAND on one core, prints a line and appends "LABEL wall rss_kb" to results.
measure() {
    local label="$1"; shift
    /usr/bin/time -v -o "$work/time" taskset -c "$core" "$@" > "$work/$label.out" 2> "$work/$label.err" || {
        cat "$work/$label.err" >&2; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time" \
        | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
    echo "$label $wall $rss" >> "$work/results"
    printf '%-12s wall %7.2f s  real-time factor %6.1fx  max RSS %6.1f MB\n' "$label" "$wall" \
        "$(echo "$seconds / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

: > "$work/results"
for run in $(seq 1 "$runs"); do
    echo "run $run (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    measure converter "$bench" "$work/f3.wav" "$work/long.wav" "$work/out-local.wav"
    measure rb-R2 rubberband -p 4 -F "$work/long.wav" "$work/out-rb2.wav"
    measure rb-R3 rubberband -3 -p 4 -F "$work/long.wav" "$work/out-rb3.wav"
    # The whole command, into a fresh workspace and a new output each time (nothing reused from the round
    # before; convert refuses to overwrite an output without --force).
    rm -rf "$work/ws" "$work/out-convert.wav"
    measure convert "$dubkit" convert "$work/long.wav" -o "$work/out-convert.wav" --voice local:bright --workspace "$work/ws"
    awk -v run="$run" '
        { wall[$1] = $2 } END {
            printf "run %d: converter is %.2fx the speed of rubberband R2, %.2fx that of R3; convert end to end %.2fx R2\n",
                run, wall["rb-R2"] / wall["converter"], wall["rb-R3"] / wall["converter"], wall["rb-R2"] / wall["convert"] }' \
        <(tail -n 4 "$work/results")
done
echo "after: $(uptime)"
echo "over $runs runs (label, wall min / median / max s, real-time factor at min and median wall, max RSS MB):"
for label in converter convert rb-R2 rb-R3; do
    awk -v n="$label" '$1 == n { print $2 }' "$work/results" | sort -n | awk -v n="$label" -v secs="$seconds" \
        -v rss="$(awk -v n="$label" '$1 == n && $3 > m { m = $3 } END { print m }' "$work/results")" '
        { w[NR] = $1 } END {
            median = NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
            printf "  %-10s %6.2f / %6.2f / %6.2f s  %6.1fx / %6.1fx  %.1f MB\n", n, w[1], median, w[NR], secs / w[1], secs / median, rss / 1024 }'
done
echo "median ratio per round, convert end to end against rubberband R2 (wall R2 / wall convert):"
awk '{ wall[$1, ++count[$1]] = $2 } END { for (i = 1; i <= count["convert"]; i++) print wall["rb-R2", i] / wall["convert", i] }' \
    "$work/results" | sort -n | awk '{ r[NR] = $1 } END { printf "  min %.2fx, median %.2fx, max %.2fx\n", r[1], NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2, r[NR] }'
# The loudness `convert` wrote, by an independent meter (ffmpeg's ebur128): -16 LUFS, true peak under -1.5 dBTP.
ffmpeg -hide_banner -nostdin -nostats -i "$work/out-convert.wav" -af ebur128=peak=true -f null - 2>&1 \
    | awk '/Integrated loudness:/ { s = 1 } s && /I:/ { i = $2 } /True peak:/ { t = 1 } t && /Peak:/ { p = $2 } END { printf "convert output: integrated %s LUFS, true peak %s dBTP (ebur128)\n", i, p }'
echo "output: $(soxi -D "$work/out-local.wav") s; $(cat "$work/converter.out")"
