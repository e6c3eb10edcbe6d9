# Shared by the media benchmarks: sourced, not run. Sets root, work, minutes, seconds and dubkit,
# and gives make_video_input, run and compare.
# BENCH_MINUTES=1 makes shorter inputs (RSS should not change with length); BENCH_DIR/BENCH_KEEP keep
# files; DUBKIT=/path/to/release/dubkit uses a binary built elsewhere (e.g. with --scratch-path).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-$(mktemp -d /tmp/dubkit-bench.XXXXXX)}"
minutes="${BENCH_MINUTES:-10}"
seconds=$((minutes * 60))
mkdir -p "$work"
trap 'if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; fi' EXIT

dubkit="${DUBKIT:-$root/.build/release/dubkit}"
if [ ! -x "$dubkit" ]; then
    echo "building dubkit (release)..." >&2
    (cd "$root" && swift build -c release --product dubkit >&2)
fi

# make_video_input: $work/in.mp4, a $minutes-minute 1280x720 H.264 + 440 Hz AAC stereo video.
make_video_input() {
    if [ ! -s "$work/in.mp4" ]; then
        echo "making a ${minutes}-minute 1280x720 H.264+AAC input..." >&2
        ffmpeg -hide_banner -loglevel error -nostdin -y \
            -f lavfi -i "testsrc=size=1280x720:rate=25:duration=$seconds" \
            -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
            -c:v libx264 -preset ultrafast -crf 30 -c:a aac -b:a 128k -ac 2 -shortest "$work/in.mp4"
    fi
}

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

# compare FFMPEG_RUN DUBKIT_RUN FFMPEG_OUTPUT DUBKIT_OUTPUT: the table and the dubkit/ffmpeg ratios.
compare() {
    local ff_wall ff_rss dk_wall dk_rss
    read -r _ ff_wall ff_rss <<<"$1"
    read -r _ dk_wall dk_rss <<<"$2"
    printf '%-8s %10s %14s %14s\n' tool "wall (s)" "max RSS (MB)" "output (bytes)"
    printf '%-8s %10.2f %14.1f %14d\n' ffmpeg "$ff_wall" "$(echo "$ff_rss / 1024" | bc -l)" "$(stat -c %s "$3")"
    printf '%-8s %10.2f %14.1f %14d\n' dubkit "$dk_wall" "$(echo "$dk_rss / 1024" | bc -l)" "$(stat -c %s "$4")"
    printf 'ratio dubkit/ffmpeg: wall %.2f, max RSS %.2f\n' \
        "$(echo "$dk_wall / $ff_wall" | bc -l)" "$(echo "$dk_rss / $ff_rss" | bc -l)"
}

# copy_dub_rows DB COUNT: fills a project store up to COUNT dubs by copying dub 1's row (the status
# guards only watch status changes, so copies of a `new` dub are valid rows).
copy_dub_rows() {
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in db.execute("PRAGMA table_info(dub)") if r[1] != "id"]
names = ", ".join(cols)
with db:
    for _ in range(int(sys.argv[2]) - 1):
        db.execute(f"INSERT INTO dub ({names}) SELECT {names} FROM dub WHERE id = 1")
PY
}
