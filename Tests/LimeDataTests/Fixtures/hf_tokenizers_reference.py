"""Reference side of HuggingFaceTokenizerTests: trains byte-level BPE tokenizer.json files
with Hugging Face `tokenizers` and encodes texts with them.

  train CORPUS.txt OUT.json STYLE VOCAB   STYLE: gpt2 | gpt2-prefix | gpt2-seen | llama3 | qwen2
                                           (gpt2-seen: only the bytes seen in training)
  addtokens IN.json OUT.json               add tokens with lstrip, rstrip, single_word
  bigvocab IN.json OUT.json SHIFT          renumber every id by +SHIFT (filler tokens below),
                                           merges written in the older "a b" string form
  nfc IN.json OUT.json                     add an NFC normalizer
  split PATTERN TEXTS.json OUT.json        PATTERN: gpt2 | llama3 | qwen2; OUT: lists of pieces
  encode TOKENIZER.json TEXTS.json OUT.json   TEXTS: a JSON list of strings; OUT: lists of ids
"""
import json
import sys

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

QWEN2 = LLAMA3.replace(r"\p{N}{1,3}", r"\p{N}")


def train(corpus, out, style, vocab):
    tokenizer = Tokenizer(models.BPE(ignore_merges=(style == "llama3")))
    if style in ("llama3", "qwen2"):
        if style == "qwen2":
            tokenizer.normalizer = normalizers.NFC()
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3 if style == "llama3" else QWEN2), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ])
        specials = ["<|begin_of_text|>", "<|end_of_text|>"]
    else:
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=(style == "gpt2-prefix"))
        specials = ["<|endoftext|>"]
    tokenizer.decoder = decoders.ByteLevel()
    alphabet = [] if style == "gpt2-seen" else pre_tokenizers.ByteLevel.alphabet()
    trainer = trainers.BpeTrainer(vocab_size=int(vocab), special_tokens=specials, show_progress=False,
                                  initial_alphabet=alphabet)
    with open(corpus, encoding="utf-8") as f:
        lines = f.read().split("\n")
    tokenizer.train_from_iterator(lines, trainer)
    tokenizer.save(out)


def bigvocab(path, out, shift):
    shift = int(shift)
    data = json.load(open(path, encoding="utf-8"))
    vocab = {f"<filler-{i}>": i for i in range(shift)}
    vocab.update({token: i + shift for token, i in data["model"]["vocab"].items()})
    data["model"]["vocab"] = vocab
    data["model"]["merges"] = [" ".join(pair) for pair in data["model"]["merges"]]
    for token in data["added_tokens"]:
        token["id"] += shift
    json.dump(data, open(out, "w", encoding="utf-8"), ensure_ascii=False)


def addtokens(path, out):
    tokenizer = Tokenizer.from_file(path)
    tokenizer.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True),
                                  AddedToken("[R]", rstrip=True, special=True)])
    tokenizer.add_tokens([AddedToken("word", single_word=True), AddedToken("New York", normalized=False)])
    tokenizer.save(out)


def nfc(path, out):
    data = json.load(open(path, encoding="utf-8"))
    data["normalizer"] = {"type": "NFC"}
    json.dump(data, open(out, "w", encoding="utf-8"), ensure_ascii=False)


def split(pattern, texts, out):
    if pattern == "gpt2":
        splitter = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    else:
        splitter = pre_tokenizers.Split(Regex(LLAMA3 if pattern == "llama3" else QWEN2), behavior="isolated")
    texts = json.load(open(texts, encoding="utf-8"))
    pieces = [[piece for piece, _ in splitter.pre_tokenize_str(text)] for text in texts]
    if pattern == "gpt2":  # ByteLevel shows pieces in the byte alphabet: map back to text
        alphabet = {c: i for i, c in enumerate(byte_alphabet())}
        pieces = [[bytes(alphabet[c] for c in piece).decode("utf-8") for piece in row] for row in pieces]
    json.dump(pieces, open(out, "w", encoding="utf-8"), ensure_ascii=False)


def byte_alphabet():
    """GPT-2's bytes_to_unicode, in byte order."""
    keep = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    table, extra = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return [table[b] for b in range(256)]


def encode(path, texts, out):
    tokenizer = Tokenizer.from_file(path)
    texts = json.load(open(texts, encoding="utf-8"))
    ids = [e.ids for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
    json.dump(ids, open(out, "w"))


if __name__ == "__main__":
    {"train": train, "addtokens": addtokens, "bigvocab": bigvocab, "split": split, "nfc": nfc, "encode": encode}[sys.argv[1]](*sys.argv[2:])
