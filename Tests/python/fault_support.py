"""Helpers of the fault tests (test_faults, test_readonly_output): a corpus of the real-text
fixture repeated, `lime run` in small units (optionally under a file-size limit), and the
SHA-256 of a run's outputs for byte-identity checks."""
import hashlib
import json
import os
import sqlite3
import subprocess

from test_swift_shards import FIXTURE

UNIT = "6"


def corpus(path, copies):
    lines = [json.loads(l) for l in open(FIXTURE)]
    with open(path, "w") as f:
        for r in range(copies):
            for i, d in enumerate(lines):
                f.write(json.dumps({"id": f"r{r}-{i}", "text": d["text"]}) + "\n")
    return str(path)


def outputs(directory):
    names = ["manifest.json"] + ["shards/" + n for n in sorted(os.listdir(os.path.join(directory, "shards")))]
    return {n: hashlib.sha256(open(os.path.join(directory, n), "rb").read()).hexdigest() for n in names}


def run(lime, inputs, out, limit_kb=None, **kw):
    command = [lime, "run", "--input", inputs, "--output", str(out), "--unit-documents", UNIT, "--workers", "1"]
    if limit_kb is not None:
        command = ["bash", "-c", f"ulimit -f {limit_kb}; exec \"$@\"", "lime-run", *command]
    return subprocess.run(command, capture_output=True, text=True, **kw)


def committed_units(database):
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM units WHERE status = 'committed'").fetchone()[0]
    except sqlite3.Error:
        return 0
