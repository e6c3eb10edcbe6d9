#!/usr/bin/env bash
# Sets up, builds and runs DubKit on Debian 12 (as root, or with sudo for the apt step).
#   bash scripts/dev.sh demo   install what is missing, build, put dubkit on PATH, run the main job
#   bash scripts/dev.sh test   install what is missing, build, run every test
#   bash scripts/dev.sh test-under-load   the same while stress-ng keeps both cores busy
#   bash scripts/dev.sh deps   only install the system packages
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the build and the tests need; installed only when missing. The asterisk prompts and
# codec2's examples are real recorded speech for the local engine's tests and Benchmarks/voice-similarity.sh (en, fr, it, ru voices).
# stress-ng keeps the cores busy for `test-under-load`.
APT_PACKAGES=(pkg-config libsqlite3-dev libcurl4-openssl-dev libavformat-dev libavcodec-dev libavfilter-dev libswresample-dev libavutil-dev
              python3 sox ffmpeg espeak-ng openssl rubberband-cli chromium asterisk-core-sounds-en-wav asterisk-core-sounds-fr-wav
              asterisk-core-sounds-it-wav asterisk-core-sounds-ru-wav codec2-examples time stress-ng)

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="$PATH:/opt/swift/usr/bin"
fi

deps() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    command -v swift >/dev/null 2>&1 || { echo "error: swift not found; install Swift 6 (expected at /opt/swift)" >&2; exit 1; }
}

demo() {
    deps
    swift build -c release --product dubkit
    local bin
    bin="$(swift build -c release --show-bin-path)/dubkit"
    install_on_path "$bin"
    # The main job, offline: train a voice from the sample dataset with the local engine, then dub
    # the sample video with it. Every step is idempotent, so the job can be run again.
    "$bin" project show demo >/dev/null 2>&1 || "$bin" project create demo
    "$bin" dataset add --project demo narrator Samples/dataset/*.flac
    "$bin" voice train --project demo narrator --dataset narrator --provider local
    "$bin" convert Samples/sample.mp4 -o projects/demo/exports/sample-dubbed.mp4 --voice local:narrator --project demo --force
    "$bin" media probe projects/demo/exports/sample-dubbed.mp4
    echo "play it: projects/demo/exports/sample-dubbed.mp4 (the original: Samples/sample.mp4)"
}

# Copies the release build to $DUBKIT_BIN_DIR (default /usr/local/bin) as `dubkit`, so README's
# commands run as written; a copy, so a later debug build does not change what `dubkit` runs.
install_on_path() {
    local dir="${DUBKIT_BIN_DIR:-/usr/local/bin}" sudo=""
    [ -w "$dir" ] || [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo install -d "$dir"
    $sudo install -m 0755 "$1" "$dir/dubkit"
    echo "installed dubkit $("$dir/dubkit" --version) as $dir/dubkit (a copy of $1)"
    case ":$PATH:" in
        *":$dir:"*) ;;
        *) echo "note: $dir is not on PATH; add it, or run $dir/dubkit" >&2 ;;
    esac
}

run_tests() {
    deps
    swift build --build-tests
    # Serial: several suites wait on child processes, and in parallel they starve the async HTTP tests.
    swift test --skip-build --no-parallel
}

# The whole suite (the same build and command as `test`) while `stress-ng --cpu 2` keeps both cores
# busy: the tests must not depend on an idle machine. stress-ng is stopped however the run ends.
run_tests_under_load() {
    deps
    swift build --build-tests
    stress-ng --cpu 2 --quiet &
    STRESS_PID=$!
    trap 'kill "$STRESS_PID" 2>/dev/null; wait "$STRESS_PID" 2>/dev/null || true' EXIT
    trap 'exit 130' INT TERM
    swift test --skip-build --no-parallel
}

case "${1:-}" in
    demo) demo ;;
    test) run_tests ;;
    test-under-load) run_tests_under_load ;;
    deps) deps ;;
    *) echo "usage: bash scripts/dev.sh demo|test|test-under-load|deps" >&2; exit 2 ;;
esac
