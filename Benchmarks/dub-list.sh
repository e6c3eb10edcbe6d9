#!/usr/bin/env bash
# `dub list --json` on a project with 10,000 dubs (issue #7's goal: under 200 ms).
# One dub is made with `dub create`; its row is copied 9,999 times with Python's sqlite3 (the
# status guard triggers only watch status changes), then the listing is timed five times.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
count="${BENCH_DUBS:-10000}"
export DUBKIT_WORKSPACE="$work/ws"
"$dubkit" project create big >/dev/null
ffmpeg -hide_banner -loglevel error -nostdin -f lavfi -i "sine=frequency=220:duration=1" "$work/a.wav"
"$dubkit" dub create --project big --voice local:deep --file "$work/a.wav" >/dev/null
copy_dub_rows "$work/ws/big/project.sqlite" "$count"
for i in 1 2 3 4 5; do
    run "list$i" "$dubkit" dub list --project big --json
done
