"""Speaker similarity of the local engine's conversions, measured the way the field does: cosine of
Resemblyzer speaker embeddings (its weights ship in its PyPI wheel; nothing is downloaded).

Called by Benchmarks/voice-similarity.sh, which builds the bench program and sets up the environment.
Usage: voice_similarity.py BENCH WORK [PAIR...]   (PAIR as source:target, default: all of PAIRS)

Real speakers (Debian's asterisk-core-sounds-en-wav and codec2-examples, 8 kHz) and espeak-ng voices
are cut into clips, each speaker's clips split three ways: training (the voice is trained on these),
reference (their mean embedding is the speaker's reference) and test (held out: scored against the
reference, and the source clips that get converted). Per pair it prints the mean cosine similarity
of source→target, converted→target and target→target (the target's own held-out clips), the share
of converted clips accepted as the target at the equal-error threshold of the real speakers, and
how much of the source→target gap the conversion closes.
"""
import glob
import os
import subprocess
import sys
import time

import numpy as np
from resemblyzer import VoiceEncoder, preprocess_wav

ASTERISK = "/usr/share/asterisk/sounds"
CODEC2 = "/usr/share/codec2/wav"
SEGMENT = 4.0  # seconds per clip cut from a long recording

TRAIN_TEXT = ("The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore. How much wood would a "
              "woodchuck chuck if a woodchuck could chuck wood. Peter Piper picked a peck of pickled peppers. "
              "A stitch in time saves nine, and all that glitters is not gold. Fortune favours the bold.")
TEST_TEXT = ("A journey of a thousand miles begins with a single step. Every cloud has a silver lining, and the early "
             "bird catches the worm. Actions speak louder than words. Better late than never, they say.")
REF_TEXT = ("Where there is smoke there is fire. The pen is mightier than the sword. When in Rome, do as the Romans do. "
            "Two wrongs do not make a right.")

# Real speakers set the equal-error threshold: asterisk's prompt voices (Allison en-US, June fr-CA, Carlo it-IT,
# the ru-RU voice) and codec2's ve9qrp and vk5qi (men).
REAL = ["allison", "june", "carlo", "ru", "ve9qrp", "vk5qi"]
PAIRS = ["allison:ve9qrp", "ve9qrp:allison", "carlo:allison", "june:allison", "ru:june", "carlo:ve9qrp",
         "ve9qrp:carlo", "vk5qi:ve9qrp", "espeak-m3:espeak-f3"]


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def duration(path):
    return float(subprocess.run(["soxi", "-D", path], check=True, capture_output=True, text=True).stdout)


def segments(path, folder, name, start=0.0, end=None):
    """Cuts `path` into SEGMENT-second clips (the last one dropped when shorter than 2 s)."""
    os.makedirs(folder, exist_ok=True)
    end = duration(path) if end is None else end
    clips, t, i = [], start, 0
    while end - t >= 2.0:
        out = os.path.join(folder, f"{name}-{i:03d}.wav")
        if not os.path.exists(out):
            run("sox", path, out, "trim", f"{t}", f"{min(SEGMENT, end - t)}")
        clips.append(out)
        t += SEGMENT
        i += 1
    return clips


def espeak(work, voice, text, name):
    path = os.path.join(work, f"{name}.wav")
    if not os.path.exists(path):
        run("espeak-ng", "-v", f"en+{voice}", "-w", path, text)
    return path


def speakers(work):
    """name -> (train, reference, test) lists of clip paths."""
    clips = os.path.join(work, "clips")
    s = {}
    for name, folder in [("allison", "en_US_f_Allison"), ("june", "fr_CA_f_June"), ("carlo", "it_IT_m_Carlo"),
                         ("ru", "ru_RU_f_IvrvoiceRU")]:
        prompts = sorted(p for p in glob.glob(f"{ASTERISK}/{folder}/*.wav") if 3.0 <= duration(p) <= 12.0)
        # About 2 minutes to train on, 8 prompts as the reference, 12 held out.
        s[name] = (prompts[:24], prompts[24:32], prompts[32:44])
    ve = segments(f"{CODEC2}/ve9qrp.wav", clips, "ve9qrp")
    s["ve9qrp"] = (ve[:15], ve[15:20], ve[20:28])
    vk = segments(f"{CODEC2}/vk5qi.wav", clips, "vk5qi")
    s["vk5qi"] = ([], vk[:1], vk[1:])
    for voice in ["m3", "f3"]:
        train = segments(espeak(work, voice, TRAIN_TEXT, f"{voice}-train"), clips, f"{voice}-train")
        ref = segments(espeak(work, voice, REF_TEXT, f"{voice}-ref"), clips, f"{voice}-ref")
        test = segments(espeak(work, voice, TEST_TEXT, f"{voice}-test"), clips, f"{voice}-test")
        s[f"espeak-{voice}"] = (train, ref, test)
    return s


def main():
    bench, work = sys.argv[1], sys.argv[2]
    pairs = sys.argv[3:] or PAIRS
    strength = os.environ.get("STRENGTH", "1")
    spk = speakers(work)
    encoder = VoiceEncoder("cpu", verbose=False)
    cache = {}

    def embed(path):
        if path not in cache:
            cache[path] = encoder.embed_utterance(preprocess_wav(path))
        return cache[path]

    def reference(name):
        v = np.mean([embed(p) for p in spk[name][1]], axis=0)
        return v / np.linalg.norm(v)

    def scores(paths, ref):
        return np.array([float(np.dot(embed(p), ref)) for p in paths])

    # Equal-error threshold over the real speakers: each one's held-out clips (genuine) and the others' (impostors).
    genuine, impostor = [], []
    for name in REAL:
        ref = reference(name)
        genuine += list(scores(spk[name][2], ref))
        for other in REAL:
            if other != name:
                impostor += list(scores(spk[other][2], ref))
    genuine, impostor = np.array(genuine), np.array(impostor)
    best = min(np.linspace(0.3, 0.95, 651), key=lambda t: abs(np.mean(genuine < t) - np.mean(impostor >= t)))
    eer = (np.mean(genuine < best) + np.mean(impostor >= best)) / 2
    print(f"equal-error threshold {best:.3f} (EER {eer * 100:.1f}%, {len(genuine)} genuine, {len(impostor)} impostor trials)")
    print(f"strength {strength}")
    print(f"{'pair':<24} {'src→tgt':>8} {'conv→tgt':>9} {'tgt→tgt':>8} {'gap closed':>10} {'accepted':>9} "
          f"{'src acc.':>8} {'train s':>7}")
    for pair in pairs:
        source, target = pair.split(":")
        out = os.path.join(work, "converted", f"{source}-to-{target}")
        listing = os.path.join(work, f"train-{target}.txt")
        with open(listing, "w") as f:
            f.write("\n".join(spk[target][0]) + "\n")
        start = time.time()
        result = subprocess.run([bench, "batch", out, strength, listing] + spk[source][2], check=True, capture_output=True,
                                text=True)
        elapsed = time.time() - start
        converted = [os.path.join(out, os.path.basename(p)) for p in spk[source][2]]
        ref = reference(target)
        src = scores(spk[source][2], ref)
        conv = scores(converted, ref)
        tgt = scores(spk[target][2], ref)
        gap = (conv.mean() - src.mean()) / max(1e-6, tgt.mean() - src.mean())
        print(f"{source + '→' + target:<24} {src.mean():8.3f} {conv.mean():9.3f} {tgt.mean():8.3f} {gap * 100:9.0f}% "
              f"{np.mean(conv >= best) * 100:8.0f}% {np.mean(src >= best) * 100:7.0f}% {elapsed:7.1f}")
        if os.environ.get("VERBOSE"):
            print(result.stdout)


if __name__ == "__main__":
    main()
