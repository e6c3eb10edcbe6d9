#!/usr/bin/env bash
# Speaker similarity of the local engine's conversions (Resemblyzer cosine, accepted share at the real
# speakers' equal-error threshold) on real recorded speakers and espeak-ng voices. Not run in CI: it
# needs torch (from PyPI, CPU only). Needs asterisk-core-sounds-en-wav, codec2-examples, espeak-ng and
# sox (scripts/dev.sh deps installs them).
# Usage: Benchmarks/voice-similarity.sh [work-folder] [source:target ...]   (STRENGTH=0..1, default 1)
# The virtual environment is made once in $VENV (default .build/similarity-venv): Resemblyzer's weights
# ship inside its wheel, nothing is downloaded from a model hub.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d /tmp/voice-similarity.XXXXXX)}"
shift || true
venv="${VENV:-.build/similarity-venv}"
export PATH="/opt/swift/usr/bin:$PATH"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import resemblyzer" 2>/dev/null; then
    python3 -m venv "$venv"
    # webrtcvad (a resemblyzer dependency) still imports pkg_resources, gone from setuptools 81.
    "$venv/bin/pip" install -q "setuptools<81" resemblyzer >&2
fi
swift build -c release --product local-engine-bench >&2
bench="$(swift build -c release --show-bin-path)/local-engine-bench"
mkdir -p "$work"
echo "commit $(git rev-parse --short HEAD); work folder $work; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$venv/bin/python" Benchmarks/voice_similarity.py "$bench" "$work" "$@"
