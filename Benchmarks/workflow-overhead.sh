#!/usr/bin/env bash
# The workflow engine's own cost (issue #7): BENCH_DUBS (500) one-second dubs run against the fake
# VoiceDub with no latency (statuses move on at once, polls every millisecond), and the wall and CPU
# time of `dubkit dub run --all` per dub. The fake runs in its own process, so dubkit's CPU time is
# the engine's: extraction, hashing, the store, HTTP and the result check.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
count="${BENCH_DUBS:-500}"
jobs="${BENCH_JOBS:-16}"
fake="$root/.build/release/fake-voicedub"
[ -x "$fake" ] || (cd "$root" && swift build -c release --product fake-voicedub >&2)
export DUBKIT_WORKSPACE="$work/ws" DUBKIT_CONFIG_DIR="$work/config" DUBKIT_POLL_INTERVAL=0.001 VOICEDUB_API_KEY=bench-key
mkfifo "$work/fake-in"
"$fake" --stage-ms 0 <"$work/fake-in" >"$work/fake-out" &
exec 3>"$work/fake-in"
for _ in $(seq 50); do [ -s "$work/fake-out" ] && break; sleep 0.1; done
export VOICEDUB_BASE_URL="$(head -1 "$work/fake-out")"
"$dubkit" project create bench >/dev/null
ffmpeg -hide_banner -loglevel error -nostdin -f lavfi -i "sine=frequency=220:duration=1" "$work/line.wav"
voice="$("$dubkit" voice list --provider voicedub --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["voices"][0]["id"])')"
"$dubkit" dub create --project bench --voice "voicedub:$voice" --file "$work/line.wav" >/dev/null
copy_dub_rows "$work/ws/bench/project.sqlite" "$count"
/usr/bin/time -f "%e %U %S %M" -o "$work/run.time" "$dubkit" dub run --project bench --all --jobs "$jobs" >/dev/null 2>"$work/run.err" \
    || { tail -5 "$work/run.err" >&2; exit 1; }
read -r wall user sys rss <"$work/run.time"
echo stats >&3
sleep 0.5
done_count=$("$dubkit" dub list --project bench --status done --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
printf '%d dubs (%d done), --jobs %d: wall %.2f s (%.2f ms a dub), CPU %.2f s (%.2f ms a dub), max RSS %.1f MB\n' \
    "$count" "$done_count" "$jobs" "$wall" "$(echo "$wall * 1000 / $count" | bc -l)" "$(echo "$user + $sys" | bc -l)" \
    "$(echo "($user + $sys) * 1000 / $count" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
echo "fake: $(tail -1 "$work/fake-out")"
exec 3>&-
wait
