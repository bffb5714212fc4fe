"""Faults while writing: a file-size limit reached during `lime run` (the full-disk case
as an unprivileged test can make it: `ulimit -f`, writes then fail with EFBIG), and
SIGTERM / SIGINT in the middle of a run. Each ends with a clear error, leaves a provenance
database `lime status` reads, and a rerun completes byte-identical to an uninterrupted run."""
import signal
import sqlite3
import subprocess
import time

import pytest

from fault_support import UNIT, committed_units, outputs, run


@pytest.mark.parametrize("limit_kb", [40, 150, 400])
def test_file_size_limit_fails_clearly_and_a_rerun_is_identical(reference, tmp_path, limit_kb):
    lime, inputs, expected = reference
    out = tmp_path / "out"
    failed = run(lime, inputs, out, limit_kb=limit_kb)
    assert failed.returncode != 0
    # The error names the file that could not be written and why.
    assert str(out) in failed.stderr, failed.stderr
    assert "File too large" in failed.stderr or "file-size limit" in failed.stderr or "disk I/O error" in failed.stderr, failed.stderr
    status = subprocess.run([lime, "status", str(out)], capture_output=True, text=True)
    assert status.returncode == 0 and "incomplete" in status.stdout, status.stdout + status.stderr
    rerun = run(lime, inputs, out)
    assert rerun.returncode == 0, rerun.stderr
    assert outputs(out) == expected
    assert subprocess.run([lime, "verify", str(out)], capture_output=True).returncode == 0


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_after_committing_and_a_rerun_is_identical(reference, tmp_path, number):
    lime, inputs, expected = reference
    out = tmp_path / "out"
    command = [lime, "run", "--input", inputs, "--output", str(out), "--unit-documents", UNIT, "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while committed_units(out / "provenance.sqlite") < 2 and time.time() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(number)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "stopped on request after committing" in stderr and "run the same command again to resume" in stderr
    with sqlite3.connect(str(out / "provenance.sqlite")) as db:
        assert db.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0] == "interrupted"
        done = db.execute("SELECT COUNT(*) FROM units WHERE status = 'committed'").fetchone()[0]
    assert 2 <= done < len(expected) - 1  # stopped part way: some units committed, not all
    rerun = run(lime, inputs, out)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{done} already done" in rerun.stdout
    assert outputs(out) == expected
