#!/usr/bin/env bash
# Makes the bundled sample: a short video with speech (espeak-ng voice en+m3 over an FFmpeg test
# pattern) and a small dataset of another speaker (en+f3, different sentences) to train a voice from.
# The outputs are committed under Samples/; run this only to remake them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=Samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

speak() { # voice, text, output wav (espeak-ng's own 22.05 kHz, mono)
    espeak-ng -v "$1" -s 150 -w "$3" "$2"
}

speak en+m3 "Welcome to DubKit. This short clip was spoken by one voice, and after dubbing it is spoken by another. The pictures stay exactly as they were, only the voice changes." "$tmp/speech.wav"
seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$tmp/speech.wav")
ffmpeg -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=320x180:rate=15" -i "$tmp/speech.wav" \
    -t "$seconds" -c:v libx264 -preset veryslow -crf 35 -pix_fmt yuv420p \
    -c:a aac -b:a 64k -metadata:s:a:0 language=eng -movflags +faststart "$out/sample.mp4"

mkdir -p "$out/dataset"
speak en+f3 "The quick brown fox jumps over the lazy dog, and then it rests in the warm afternoon sun." "$out/dataset/take1.wav"
speak en+f3 "She sells sea shells by the sea shore, where the waves are gentle and the sand is soft." "$out/dataset/take2.wav"
speak en+f3 "Every morning the baker opens his shop early, and the smell of fresh bread fills the street." "$out/dataset/take3.wav"
for f in "$out"/dataset/*.wav; do ffmpeg -nostdin -loglevel error -y -i "$f" -c:a flac "${f%.wav}.flac" && rm "$f"; done
ls -la "$out" "$out/dataset"
