#!/usr/bin/env bash
# Real-time factor of the local engine's VoiceConverter against the rubberband program (R3, -F)
# on a 10-minute 44.1 kHz mono speech file. Needs espeak-ng, sox, rubberband-cli and /usr/bin/time.
# Usage: Benchmarks/local-convert.sh [work-folder]   (figures go to stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d /tmp/local-convert-bench.XXXXXX)}"
mkdir -p "$work"
export PATH="/opt/swift/usr/bin:$PATH"

swift build -c release --product local-engine-bench >&2
bench="$(swift build -c release --show-bin-path)/local-engine-bench"

text="A journey of a thousand miles begins with a single step. Every cloud has a silver lining, \
and the early bird catches the worm. Peter Piper picked a peck of pickled peppers."
espeak-ng -v en+m3 -w "$work/m3.wav" "$text"
espeak-ng -v en+f3 -w "$work/f3.wav" "The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore."
# Loop m3 to 10 minutes at 44.1 kHz mono, 16-bit.
seconds=$(soxi -D "$work/m3.wav")
repeats=$(python3 -c "import math; print(math.ceil(600 / $seconds))")
sox "$work/m3.wav" -r 44100 -b 16 -c 1 "$work/long.wav" repeat "$repeats" trim 0 600
echo "input: $(soxi -D "$work/long.wav") s, $(soxi -r "$work/long.wav") Hz"

measure() { # label, command...
    local label="$1"; shift
    /usr/bin/time -v "$@" 2> "$work/$label.time" > "$work/$label.out"
    local wall rss
    wall=$(grep "Elapsed (wall clock)" "$work/$label.time" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$work/$label.time" | awk '{print $NF}')
    local secs
    secs=$(python3 -c "p='$wall'.split(':'); print(sum(float(x) * 60 ** i for i, x in enumerate(reversed(p))))")
    printf '%-28s wall %8.1f s  real-time factor %6.1fx  max RSS %7.1f MB\n' "$label" "$secs" \
        "$(python3 -c "print(600 / $secs)")" "$(python3 -c "print($rss / 1024)")"
}

measure "VoiceConverter(f3 profile)" "$bench" "$work/f3.wav" "$work/long.wav" "$work/out-local.wav"
measure "rubberband -3 -p 4 -F" rubberband -3 -p 4 -F "$work/long.wav" "$work/out-rb3.wav"
measure "rubberband -p 4 -F (R2)" rubberband -p 4 -F "$work/long.wav" "$work/out-rb2.wav"
echo "output: $(soxi -D "$work/out-local.wav") s; $(cat "$work/VoiceConverter(f3 profile).out")"
