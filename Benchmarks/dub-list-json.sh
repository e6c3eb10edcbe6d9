#!/usr/bin/env bash
# `dub list --json` on a project with BENCH_DUBS (10,000) dubs against sqlite3 printing the same rows
# as JSON (`sqlite3 -json`, the program a user would otherwise run on the store), BENCH_RUNS (7)
# alternating runs each; prints each run's CPU (user + sys) and wall time, the medians and the ratios
# dubkit/sqlite3. Issue 19's goal: dub list --json on 10,000 dubs within 150 ms.
# BENCH_SYNC=1 makes every copied dub `done` with a sync report (the JSON column the listing reads
# most); otherwise they are copies of one new dub, as dub-list.sh makes them.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
count="${BENCH_DUBS:-10000}"
runs="${BENCH_RUNS:-7}"
export DUBKIT_WORKSPACE="$work/ws"
"$dubkit" project create big >/dev/null
ffmpeg -hide_banner -loglevel error -nostdin -f lavfi -i "sine=frequency=220:duration=1" "$work/a.wav"
"$dubkit" dub create --project big --voice local:deep --file "$work/a.wav" >/dev/null
db="$work/ws/big/project.sqlite"
if [ -n "${BENCH_SYNC:-}" ]; then
    # New rows are not watched by the status guard (it watches changes of status), so a copy may be done.
    python3 - "$db" "$count" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in db.execute("PRAGMA table_info(dub)") if r[1] not in ("id", "status", "sync_report")]
names = ", ".join(cols)
report = ('{"flagged":false,"lengthDifferenceMs":-30,"maxDriftMs":20,"segments":['
          '{"endOffsetMs":-20,"sourceEndMs":900,"sourceStartMs":0,"startOffsetMs":10},'
          '{"endOffsetMs":5,"sourceEndMs":2400,"sourceStartMs":1200,"startOffsetMs":-5}],'
          '"thresholdMs":100,"unmatchedSegments":0}')
with db:
    for _ in range(int(sys.argv[2]) - 1):
        db.execute(f"INSERT INTO dub ({names}, status, sync_report) SELECT {names}, 'done', ? FROM dub WHERE id = 1",
                   (report,))
PY
else
    copy_dub_rows "$db" "$count"
fi
query="SELECT * FROM dub WHERE parent_id IS NULL ORDER BY id"

# timed NAME COMMAND...: runs it once, appending "cpu wall" (seconds) to $work/NAME.times.
timed() {
    local name="$1"; shift
    /usr/bin/time -f "%U %S %e" -o "$work/last.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
        cat "$work/$name.err" >&2; exit 1; }
    read -r user sys wall <"$work/last.time"
    echo "$(echo "$user + $sys" | bc -l) $wall" >>"$work/$name.times"
}

timed warmup "$dubkit" dub list --project big --json
timed warmup sqlite3 -json "$db" "$query"
for _ in $(seq "$runs"); do
    timed dubkit "$dubkit" dub list --project big --json
    timed sqlite3 sqlite3 -json "$db" "$query"
done
python3 - "$work" "$count" "$(stat -c %s "$work/dubkit.out")" "$(stat -c %s "$work/sqlite3.out")" <<'PY'
import statistics, sys
work, count, dk_bytes, sq_bytes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def load(name):
    return [tuple(map(float, line.split())) for line in open(f"{work}/{name}.times")]
dk, sq = load("dubkit"), load("sqlite3")
print(f"{count} dubs, {len(dk)} alternating runs each")
for name, rows, size in (("dubkit", dk, dk_bytes), ("sqlite3", sq, sq_bytes)):
    print(f"{name:8} CPU s: {' '.join(f'{c:.3f}' for c, _ in rows)}  median {statistics.median(c for c, _ in rows):.3f}"
          f"  wall median {statistics.median(w for _, w in rows):.3f}  output {size} bytes")
# /usr/bin/time counts in hundredths of a second, near sqlite3's own figures: the ratio of the medians.
cpu = statistics.median(c for c, _ in sq)
wall = statistics.median(w for _, w in sq)
print(f"ratio dubkit/sqlite3 (medians): CPU {statistics.median(c for c, _ in dk) / cpu:.2f}" if cpu > 0 else "sqlite3 CPU below 0.01 s",
      f", wall {statistics.median(w for _, w in dk) / wall:.2f}" if wall > 0 else "")
PY
