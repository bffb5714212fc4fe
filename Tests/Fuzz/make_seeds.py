#!/usr/bin/env python3
"""Writes the committed seed corpora of the fuzz targets (Tests/Fuzz/seeds/TARGET/) from
real files: the real-text fixture, and a small tokenizer, shard, manifest, tagger model and
checkpoint made by the lime binary given. Seeds stay small (under ~1 MB in all).

    python3 Tests/Fuzz/make_seeds.py --lime .build/debug/lime
"""
import argparse, hashlib, json, os, shutil, struct, subprocess, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "Tests/Fuzz/seeds"
FIXTURE = ROOT / "Tests/LimeDataTests/Fixtures/real-text.jsonl"
EWT = ROOT.parent / "shared/data/ud-english-ewt/en_ewt-ud-dev.conllu.zst"


def write(target, name, data):
    directory = SEEDS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def run(*args, **kw):
    subprocess.run([str(a) for a in args], check=True, stdout=subprocess.DEVNULL, **kw)


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, stdout=subprocess.PIPE, check=True).stdout


def input_seeds(lines):
    """Mode byte (see FuzzInput.swift) + a few lines: plain, harness-compressed, raw .zst, text."""
    docs = b"\n".join(lines[:3]) + b"\n"
    write("input", "jsonl", b"\x00" + docs)
    write("input", "jsonl-crlf-last-line", b"\x00" + docs.replace(b"\n", b"\r\n").rstrip(b"\n"))
    write("input", "jsonl-zst", b"\x01" + docs)
    write("input", "zst-stream", b"\x02" + zstd(docs))
    texts = b"\n".join(json.loads(l)["text"].encode() for l in lines[3:6]) + b"\n"
    write("input", "text", b"\x03" + texts)
    tokens = [json.dumps({"id": 7, "tokens": ["Praise", "Yahweh", "!"]}).encode(),
              json.dumps({"tokens": ["a", ""]}).encode(), b'{"text": "", "id": null}', b"[1, 2]", b'{"text": "\\ud800"}']
    write("input", "tokens", b"\x04" + b"\n".join(tokens) + b"\n")
    write("input", "short-records", b"\x08" + docs)


def byte_level_alphabet():
    """GPT-2's bytes_to_unicode: the 256 characters of the byte-level vocabulary."""
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    chars, extra = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def hf_tokenizer(pre_tokenizer, added=True, nfc=False):
    alphabet = byte_level_alphabet()
    vocab = {c: i for i, c in enumerate(alphabet)}
    merges = [("t", "h"), ("th", "e"), ("\u0120", "the"), ("i", "n"), ("a", "n"), ("an", "d"), ("\u0120", "and")]
    for left, right in merges:
        vocab.setdefault(left + right, len(vocab))
    data = {"version": "1.0", "model": {"type": "BPE", "vocab": vocab, "merges": [f"{l} {r}" for l, r in merges],
                                        "dropout": None, "unk_token": None, "fuse_unk": False, "byte_fallback": False},
            "normalizer": {"type": "NFC"} if nfc else None, "pre_tokenizer": pre_tokenizer,
            "added_tokens": [{"id": len(vocab), "content": "<|endoftext|>", "special": True, "single_word": False,
                              "lstrip": False, "rstrip": False, "normalized": False}] if added else []}
    return json.dumps(data, ensure_ascii=False).encode()


def tokenizer_seeds(spm_model):
    write("tokenizer", "sentencepiece.model", spm_model.read_bytes())
    write("tokenizer", "gpt2.json", hf_tokenizer({"type": "ByteLevel", "add_prefix_space": False, "use_regex": True}))
    llama3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
    split = {"type": "Split", "pattern": {"Regex": llama3}, "behavior": "Isolated", "invert": False}
    write("tokenizer", "llama3.json", hf_tokenizer({"type": "Sequence", "pretokenizers": [
        split, {"type": "ByteLevel", "add_prefix_space": False, "use_regex": False}]}, nfc=True))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lime", required=True)
    args = parser.parse_args()
    lime = Path(args.lime).resolve()
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    lines = FIXTURE.read_bytes().splitlines()
    input_seeds(lines)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = tmp / "small.jsonl"
        small.write_bytes(b"\n".join(lines[:12]) + b"\n")
        model = tmp / "tiny.model"
        run(lime, "tokenizer", "train", "--input", FIXTURE, "--vocab-size", 400, "--output", model)
        tokenizer_seeds(model)

        out = tmp / "out"
        config = tmp / "pipeline.yaml"
        config.write_text("units:\n  documents: 4\n")
        subprocess.run([str(lime), "run", "--input", str(small), "--output", str(out), "--tokenizer", str(model),
                        "--config", str(config)], check=True, stdout=subprocess.DEVNULL)
        shards = sorted((out / "shards").iterdir())
        for shard in shards[:2]:
            write("shard", shard.name, shard.read_bytes())
        write("manifest", "manifest.json", (out / "manifest.json").read_bytes())
        write("manifest", "minimal.json", json.dumps({
            "format": "lime-shards", "version": 1, "tokenizer": {"file": "t.model", "sha256": "00", "vocab_size": 1, "mode": "lime"},
            "tagsets_sha256": "00", "annotator": {}, "documents": 0, "tokens": 0, "quarantined": 0, "shards": []}).encode())

        train_config = tmp / "train.json"
        train_config.write_text(json.dumps({"context_length": 8, "layers": 1, "d_model": 8, "heads": 1, "mlp_width": 8,
                                            "batch_size": 1, "steps": 2, "warmup_steps": 1, "eval_every": 100,
                                            "eval_windows": 1, "checkpoint_every": 1, "log_every": 1, "threads": 1,
                                            "validation_fraction": 0.1}))
        run(lime, "train", "--data", out, "--variant", "lime", "--metadata", "tag,ner", "--config", train_config,
            "--tokenizer", model, "--out", tmp / "run")
        checkpoint = (tmp / "run/checkpoint.lime").read_bytes()
        write("checkpoint", "checkpoint.lime", checkpoint)
        # The same state with a 2-parameter payload: small enough for mutations to reach everything.
        json_length = struct.unpack_from("<I", checkpoint, 12)[0]
        head = checkpoint[:16 + json_length] + struct.pack("<Q", 2) + bytes(range(24))
        write("checkpoint", "small-payload.lime", head + hashlib.sha256(head).digest())

        conllu = tmp / "tiny.conllu"
        text = subprocess.run(["zstd", "-q", "-d", "-c", str(EWT)], stdout=subprocess.PIPE, check=True).stdout.decode()
        conllu.write_text("\n\n".join(text.split("\n\n")[:10]) + "\n\n")
        tagger = tmp / "tiny.lmtag"
        run(lime, "tagger", "train", "--data", conllu, "--epochs", 1, "--prune", 1.5, "--output", tagger)
        annotated = tmp / "annotated.jsonl"
        run(lime, "tagger", "annotate", "--input", small, "--output", annotated)
        with_networks = tmp / "tiny-ner.lmtag"
        run(lime, "tagger", "train-entities", "--model", tagger, "--data", annotated, "--output", with_networks,
            "--window", 1, "--embedding", 2, "--token-width", 4, "--hidden", 4, "--epochs", 1)
        for path in (tagger, with_networks):
            data = path.read_bytes()
            write("tagger-model", path.name, b"\x00" + data)
            payload = subprocess.run(["zstd", "-q", "-d", "-c"], input=data[24:], stdout=subprocess.PIPE, check=True).stdout
            write("tagger-model", path.stem + ".payload", b"\x01" + payload)
    total = sum(f.stat().st_size for f in SEEDS.rglob("*") if f.is_file())
    print(f"seeds: {sum(1 for f in SEEDS.rglob('*') if f.is_file())} files, {total} bytes in {SEEDS}")


if __name__ == "__main__":
    main()
