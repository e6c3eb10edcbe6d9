#!/usr/bin/env bash
# Downloading a link: `dubkit media probe URL --project P` (download into the media store, SHA-256,
# rename, probe) against `curl -o` (and curl followed by sha256sum, what a user would run to get the
# same content-addressed file), from a local python http.server, side by side in one run.
# BENCH_MB sets the file's size (default 512).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
mb="${BENCH_MB:-512}"

echo "making a ${mb} MB media file..." >&2
# Stereo 48 kHz 16-bit noise: 192000 bytes a second.
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi \
    -i "anoisesrc=sample_rate=48000:duration=$((mb * 1048576 / 192000))" -ac 2 -c:a pcm_s16le "$work/file.wav"
cp "$work/file.wav" "$work/head.wav" 2>/dev/null && truncate -s 1024 "$work/head.wav"

port=$((20000 + RANDOM % 20000))
(cd "$work" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; fi' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port/head.wav" 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/file.wav"

"$dubkit" project create bench --workspace "$work/ws" >/dev/null
# Each run writes the file anew after the last one's output is flushed and removed, so dirty pages
# from an earlier run do not slow a later one down.
sync
dubkit_run=$(run dubkit "$dubkit" media probe "$url" --project bench --workspace "$work/ws" --json)
cp "$(find "$work/ws/bench/media" -type f -not -path '*/.incoming/*' | head -1)" "$work/stored.wav"
rm -rf "$work/ws/bench/media"; sync
curl_run=$(run curl curl -fsS -o "$work/curl.wav" "$url")
rm -f "$work/curl.wav"; sync
both_run=$(run curl-sha256 bash -c "curl -fsS -o '$work/curl2.wav' '$url' && sha256sum '$work/curl2.wav'")
rm -f "$work/curl2.wav"; sync
stored="$work/stored.wav"

printf '%-12s %10s %14s\n' tool "wall (s)" "max RSS (MB)"
for line in "$curl_run" "$both_run" "$dubkit_run"; do
    read -r name wall rss <<<"$line"
    printf '%-12s %10.2f %14.1f\n' "$name" "$wall" "$(echo "$rss / 1024" | bc -l)"
done
read -r _ cw _ <<<"$curl_run"; read -r _ bw _ <<<"$both_run"; read -r _ dw _ <<<"$dubkit_run"
printf 'ratio dubkit/curl: %.2f; dubkit/(curl + sha256sum): %.2f\n' "$(echo "$dw / $cw" | bc -l)" "$(echo "$dw / $bw" | bc -l)"
cmp -s "$stored" "$work/file.wav" && echo "stored file is byte-identical" || { echo "stored file differs" >&2; exit 1; }
