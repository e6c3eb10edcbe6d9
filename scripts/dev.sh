#!/usr/bin/env bash
# Sets up, builds and runs DubKit on Debian 12 (as root, or with sudo for the apt step).
#   bash scripts/dev.sh demo   install what is missing, build, put dubkit on PATH, run the main job
#   bash scripts/dev.sh test   install what is missing, build, run every test
#   bash scripts/dev.sh test-under-load   the same while stress-ng keeps both cores busy
#   bash scripts/dev.sh deps   only install the system packages
#   eval "$(bash scripts/dev.sh postgres-start)"   start a PostgreSQL server for the tests (docs/fleet.md) and
#                              set DUBKIT_TEST_POSTGRES; `bash scripts/dev.sh postgres-stop` stops it
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the build and the tests need; installed only when missing. The asterisk prompts and
# codec2's examples are real recorded speech for the local engine's tests and Benchmarks/voice-similarity.sh (en, fr, it, ru voices).
# stress-ng keeps the cores busy for `test-under-load`. postgresql is the server the PostgreSQL store's tests run against.
APT_PACKAGES=(pkg-config libsqlite3-dev libcurl4-openssl-dev libavformat-dev libavcodec-dev libavfilter-dev libswresample-dev libavutil-dev
              python3 sox ffmpeg espeak-ng openssl rubberband-cli chromium asterisk-core-sounds-en-wav asterisk-core-sounds-fr-wav
              asterisk-core-sounds-it-wav asterisk-core-sounds-ru-wav codec2-examples time stress-ng postgresql)

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

# A PostgreSQL server of the tests' own (no systemd needed): a new cluster in a fresh folder, on a free
# port of 127.0.0.1, TLS on with a self-signed certificate for localhost, and a role with a random
# password that owns a database. Sets DUBKIT_TEST_POSTGRES (the URL, password included),
# DUBKIT_TEST_POSTGRES_CA (the certificate) and DUBKIT_TEST_POSTGRES_DIR (for postgres_stop).
postgres_start() {
    local bin dir port password
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "error: no PostgreSQL server found; run: bash scripts/dev.sh deps" >&2; return 1; }
    dir="$(mktemp -d "${TMPDIR:-/tmp}/dubkit-postgres.XXXXXX")"
    local as=()
    # initdb and the server refuse to run as root: as root they run as the postgres user.
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; as=(runuser -u postgres --); fi
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    password="$(openssl rand -hex 16)"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    "${as[@]}" openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$dir/data/server.key" -out "$dir/data/server.crt" 2>/dev/null
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c ssl=on -c max_connections=200" start \
        || { cat "$dir/server.log" >&2; return 1; }
    "${as[@]}" "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE dubkit_test LOGIN PASSWORD '$password'" -c "CREATE DATABASE dubkit_test OWNER dubkit_test" >/dev/null
    export DUBKIT_TEST_POSTGRES="postgres://dubkit_test:$password@127.0.0.1:$port/dubkit_test"
    export DUBKIT_TEST_POSTGRES_CA="$dir/data/server.crt"
    export DUBKIT_TEST_POSTGRES_DIR="$dir"
    echo "PostgreSQL for the tests: postgres://dubkit_test@127.0.0.1:$port/dubkit_test (in $dir)" >&2
}

# Stops the server postgres_start started (its folder: $1, else $DUBKIT_TEST_POSTGRES_DIR) and removes it.
postgres_stop() {
    local dir="${1:-${DUBKIT_TEST_POSTGRES_DIR:-}}" bin as=()
    [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -s stop || true
    rm -rf "$dir"
}

run_tests() {
    deps
    swift build --build-tests
    postgres_start
    trap postgres_stop EXIT
    # Serial: several suites wait on child processes, and in parallel they starve the async HTTP tests.
    swift test --skip-build --no-parallel
    release_check
}

# The suite runs a debug build; the demo and README's commands run the release build, which the
# optimiser can break apart from it (a task-local once crashed only there, on every paced call). So the
# test command also dubs the sample, offline, with the release build, in a workspace of its own.
release_check() {
    swift build -c release --product dubkit
    local bin dir
    bin="$(swift build -c release --show-bin-path)/dubkit"
    dir="$(mktemp -d)"
    DUBKIT_WORKSPACE="$dir/ws" DUBKIT_CONFIG_DIR="$dir/config" \
        "$bin" convert Samples/sample.mp4 -o "$dir/sample-dubbed.mp4" --voice local:bright
    DUBKIT_WORKSPACE="$dir/ws" DUBKIT_CONFIG_DIR="$dir/config" "$bin" media probe "$dir/sample-dubbed.mp4" >/dev/null
    rm -rf "$dir"
    echo "release build: the sample dubbed offline"
}

# The whole suite (the same build and command as `test`) while `stress-ng --cpu 2` keeps both cores
# busy: the tests must not depend on an idle machine. stress-ng is stopped however the run ends.
run_tests_under_load() {
    deps
    swift build --build-tests
    postgres_start
    stress-ng --cpu 2 --quiet &
    STRESS_PID=$!
    trap 'kill "$STRESS_PID" 2>/dev/null; wait "$STRESS_PID" 2>/dev/null || true; postgres_stop' EXIT
    trap 'exit 130' INT TERM
    swift test --skip-build --no-parallel
}

case "${1:-}" in
    demo) demo ;;
    test) run_tests ;;
    test-under-load) run_tests_under_load ;;
    deps) deps ;;
    postgres-start)
        deps >&2
        postgres_start
        printf 'export DUBKIT_TEST_POSTGRES=%q DUBKIT_TEST_POSTGRES_CA=%q DUBKIT_TEST_POSTGRES_DIR=%q\n' \
            "$DUBKIT_TEST_POSTGRES" "$DUBKIT_TEST_POSTGRES_CA" "$DUBKIT_TEST_POSTGRES_DIR" ;;
    postgres-stop) postgres_stop "${2:-}" ;;
    *) echo "usage: bash scripts/dev.sh demo|test|test-under-load|deps|postgres-start|postgres-stop [DIR]" >&2; exit 2 ;;
esac
