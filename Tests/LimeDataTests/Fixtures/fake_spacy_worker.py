"""Test double of Pipelines/workers/spacy_worker.py for supervision tests only.

Speaks the same JSON-lines protocol; tokens are whitespace-separated words tagged NN/NOUN/O.
A document containing CRASH makes the process exit; one containing HANG makes it sleep.
"""
import json
import os
import sys
import time

print(json.dumps({"ready": True, "spacy": "fake", "model": "fake"}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    docs = []
    for doc in request["docs"]:
        text = doc.get("text") if "text" in doc else " ".join(doc["words"])
        if "CRASH" in text:
            os._exit(7)
        if "HANG" in text:
            time.sleep(3600)
        data = text.encode("utf-8")
        tokens, i = [], 0
        while i < len(data):
            if data[i:i + 1].isspace():
                i += 1
                continue
            j = i
            while j < len(data) and not data[j:j + 1].isspace():
                j += 1
            tokens.append([i, j, "NN", "NOUN", "O"])
            i = j
        docs.append({"tokens": tokens})
    print(json.dumps({"docs": docs}), flush=True)
