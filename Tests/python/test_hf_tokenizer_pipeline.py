"""`lime run --tokenizer tokenizer.json`: a byte-level BPE tokenizer trained by Hugging Face
`tokenizers` gives, through the whole pipeline, exactly the ids `tokenizers` gives:
whole-text mode the ids of each document, lime mode the ids of each word with the
whitespace before it."""
import json
import subprocess

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from test_swift_shards import FIXTURE, lime_binary

EXTRA = [
    "Größe, café, naïve — Ελληνικά, русский текст, 日本語のテキスト, العربية, हिन्दी.",
    "Emoji 👩‍👩‍👧 🇫🇷 👍🏽 and digits 3141592653589793238462643383279 in a run.",
    "Tabs\tand   spaces,\n\nnew lines;  it's they're we'll I'd — <|endoftext|> inside text.",
]


def documents():
    docs = [json.loads(line) for line in open(FIXTURE)]
    return docs + [{"id": f"extra-{i}", "text": t} for i, t in enumerate(EXTRA)]


def train(path, docs):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator([d["text"] for d in docs], trainer)
    tok.save(str(path))
    return tok


def exported(lime, directory, out):
    subprocess.run([lime, "export", str(directory), "--output", str(out)], check=True, capture_output=True)
    return {r["id"]: r for r in map(json.loads, open(out))}


def test_pipeline_ids_equal_tokenizers_in_both_modes(tmp_path):
    lime = lime_binary()
    docs = documents()
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    tok = train(tmp_path / "tokenizer.json", docs)

    # Whole text: the document's ids, as tokenizers gives them.
    whole = tmp_path / "whole"
    run = subprocess.run([lime, "run", "--input", str(corpus), "--output", str(whole), "--tokenizer",
                          str(tmp_path / "tokenizer.json"), "--mode", "whole-text"], check=True, capture_output=True, text=True)
    assert "huggingface-bpe, 1200 pieces" in run.stdout
    rows = exported(lime, whole, tmp_path / "whole.jsonl")
    assert len(rows) == len(docs)
    for d in docs:
        assert rows[d["id"]]["token_ids"] == tok.encode(d["text"], add_special_tokens=False).ids, d["id"]
        assert rows[d["id"]]["text"] == d["text"]  # decoding is lossless

    # lime mode: each word with the whitespace before it (the last one up to the end).
    annotated = tmp_path / "annotated.jsonl"
    subprocess.run([lime, "annotate", "--input", str(corpus), "--output", str(annotated)], check=True, capture_output=True)
    words = {r["id"]: r["tokens"] for r in map(json.loads, open(annotated))}
    per_word = tmp_path / "per-word"
    subprocess.run([lime, "run", "--input", str(corpus), "--output", str(per_word), "--tokenizer",
                    str(tmp_path / "tokenizer.json")], check=True, capture_output=True)
    rows = exported(lime, per_word, tmp_path / "per-word.jsonl")
    for d in docs:
        text = d["text"].encode()
        expected, start = [], 0
        for k, token in enumerate(words[d["id"]]):
            end = len(text) if k == len(words[d["id"]]) - 1 else token["end"]
            expected += tok.encode(text[start:end].decode(), add_special_tokens=False).ids
            start = end
        assert rows[d["id"]]["token_ids"] == expected, d["id"]
        assert rows[d["id"]]["text"] == d["text"]
