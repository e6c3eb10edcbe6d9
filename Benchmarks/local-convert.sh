#!/usr/bin/env bash
# Real-time factor of the local engine's VoiceConverter against the rubberband program doing a +4 semitone
# formant-preserving shift of the same file (R2: -p 4 -F, R3: -3 -p 4 -F), each pinned to ONE core, on a
# 10-minute 44.1 kHz mono speech file. Needs espeak-ng, sox, rubberband-cli, taskset and /usr/bin/time.
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
bench="$(swift build -c release --show-bin-path)/local-engine-bench"

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
    awk -v run="$run" '
        { wall[$1] = $2 } END {
            printf "run %d: converter is %.2fx the speed of rubberband R2, %.2fx that of R3\n",
                run, wall["rb-R2"] / wall["converter"], wall["rb-R3"] / wall["converter"] }' \
        <(tail -n 3 "$work/results")
done
echo "after: $(uptime)"
echo "ranges over $runs runs (label, wall min-max s, real-time factor min-max, max RSS MB):"
awk -v secs="$seconds" '
    { n = $1; w = $2; if (!(n in lo) || w < lo[n]) lo[n] = w; if (!(n in hi) || w > hi[n]) hi[n] = w
      if ($3 > rss[n]) rss[n] = $3 }
    END { for (n in lo) printf "  %-10s %6.2f-%.2f s  %.1fx-%.1fx  %.1f MB\n", n, lo[n], hi[n], secs / hi[n], secs / lo[n], rss[n] / 1024 }' \
    "$work/results"
echo "output: $(soxi -D "$work/out-local.wav") s; $(cat "$work/converter.out")"
