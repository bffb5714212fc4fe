"""An output directory that becomes read-only: mid-run (the shard directory made immutable
with `chattr +i` while `lime run` writes: root ignores permission bits, not that flag) and
before a rerun (the whole directory behind a read-only bind mount). Each ends with a clear
error naming the file, a provenance database whose committed units all have their shards,
and, once the directory is writable again, a rerun byte-identical to an uninterrupted run.
Skipped where the test cannot make a directory read-only (not root, no mount or chattr)."""
import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import time

import pytest

from fault_support import UNIT, committed_units, outputs, run

READ_ONLY_REASONS = ("Read-only file system", "Operation not permitted", "readonly database", "attempt to write a readonly")


def can(command):
    return shutil.which(command[0]) is not None and subprocess.run(command, capture_output=True).returncode == 0


@contextlib.contextmanager
def immutable(directory):
    """`chattr +i`: no file can be created, renamed or removed in `directory`, even by root."""
    if not can(["chattr", "+i", str(directory)]):
        pytest.skip(f"chattr +i is not possible on {directory}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


@contextlib.contextmanager
def read_only_mount(directory):
    """`directory` bind-mounted over itself, read-only."""
    if not can(["mount", "--bind", str(directory), str(directory)]):
        pytest.skip("bind mounts are not possible here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(directory)], check=True, capture_output=True)
        with pytest.raises(OSError):
            open(os.path.join(directory, "probe"), "w")
        yield
    finally:
        subprocess.run(["umount", str(directory)], check=True)


def assert_consistent(lime, out):
    """`lime status` reads the directory, and every committed unit's shard is there, whole."""
    status = subprocess.run([lime, "status", str(out)], capture_output=True, text=True)
    assert status.returncode == 0 and "incomplete" in status.stdout, status.stdout + status.stderr
    with sqlite3.connect(f"file:{out / 'provenance.sqlite'}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        committed = db.execute("SELECT shard FROM units WHERE status = 'committed' AND shard IS NOT NULL").fetchall()
        recorded = dict(db.execute("SELECT file, sha256 FROM shards").fetchall())
    for (shard,) in committed:
        data = open(out / "shards" / shard, "rb").read()
        assert hashlib.sha256(data).hexdigest() == recorded[shard], shard
    return len(committed)


def test_shard_directory_made_read_only_mid_run(reference, tmp_path):
    lime, inputs, expected = reference
    out = tmp_path / "out"
    command = [lime, "run", "--input", inputs, "--output", str(out), "--unit-documents", UNIT, "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while committed_units(out / "provenance.sqlite") < 2 and time.time() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before the directory could be made read-only"
    with immutable(out / "shards"):
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode not in (0, 130), stderr
        assert str(out / "shards") in stderr, stderr
        assert any(reason in stderr for reason in READ_ONLY_REASONS), stderr
        assert "Fatal error" not in stderr and "NSCocoaErrorDomain" not in stderr, stderr
        done = assert_consistent(lime, out)
        assert 2 <= done < len(expected) - 1
    rerun = run(lime, inputs, out)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{done} already done" in rerun.stdout
    assert outputs(out) == expected
    assert subprocess.run([lime, "verify", str(out)], capture_output=True).returncode == 0


def test_rerun_into_a_read_only_directory(reference, tmp_path):
    lime, inputs, expected = reference
    out = tmp_path / "out"
    failed = run(lime, inputs, out, limit_kb=150)  # an incomplete run to resume
    assert failed.returncode != 0
    before = {name: open(out / name, "rb").read() for name in ["provenance.sqlite"]}
    with read_only_mount(out):
        rerun = run(lime, inputs, out)
        assert rerun.returncode not in (0, 130), rerun.stdout
        assert str(out) in rerun.stderr, rerun.stderr
        assert any(reason in rerun.stderr for reason in READ_ONLY_REASONS), rerun.stderr
        assert "Fatal error" not in rerun.stderr and "NSCocoaErrorDomain" not in rerun.stderr, rerun.stderr
    assert open(out / "provenance.sqlite", "rb").read() == before["provenance.sqlite"]
    done = assert_consistent(lime, out)
    rerun = run(lime, inputs, out)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{done} already done" in rerun.stdout
    assert outputs(out) == expected
