"""Pipelines/slurm/ under a real Slurm scheduler (slurmctld + slurmd + munged, see
slurm_cluster.py): `submit.sh 3` through the real sbatch, the job array then the
afterok merge, and an array task interrupted while it runs (requeued, or cancelled and
the whole submission resubmitted). Each time the merged dataset must be byte-identical to
one `lime run` of the same input. Needs the `lime` binary ($LIME_BIN) and `make deps`."""
import hashlib
import json
import os
import re
import subprocess
import time

import pytest

from slurm_cluster import slurm_cluster  # noqa: F401 (the fixture)
from test_swift_shards import ANNOTATOR, FIXTURE, ROOT, lime_binary

SUBMIT = os.path.join(ROOT, "Pipelines", "slurm", "submit.sh")
PARTS = 3
# The test node has the machine's CPUs (2 here), not the 8 the template asks for.
SBATCH_OPTIONS = ["--cpus-per-task=1", "--mem=1G"]

# Stands in for lime: the first `lime run --partition $STOP_PARTITION/N` runs in short slices
# (SIGSTOP/SIGCONT) until its provenance database holds a committed unit, then stays stopped
# until Slurm kills it; the number of committed units then goes to $STOP_DIR/stopped. Every other call
# is the real lime.
INTERRUPTING_LIME = """#!/bin/bash
real={real}
if [ "$1" = run ] && [[ " $* " == *" --partition $STOP_PARTITION/"* ]] && mkdir "$STOP_DIR/claimed" 2>/dev/null; then
    out=; prev=
    for arg in "$@"; do [ "$prev" = --output ] && out=$arg; prev=$arg; done
    "$real" "$@" &
    pid=$!
    python3 - "$pid" "$out/provenance.sqlite" "$STOP_DIR" <<'PY'
import os, signal, sqlite3, sys, time
pid, database, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def running():
    try:
        return open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
while running():
    os.kill(pid, signal.SIGSTOP)  # lime runs in 5 ms slices, so the check always comes between two units
    committed = 0
    try:
        db = sqlite3.connect(f"file:{{database}}?mode=ro", uri=True, timeout=0.05)
        try:
            committed = db.execute("SELECT count(*) FROM units WHERE status = 'committed'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        pass
    if committed:
        with open(os.path.join(stop, "stopped.tmp"), "w") as file:
            file.write(str(committed))
        os.rename(os.path.join(stop, "stopped.tmp"), os.path.join(stop, "stopped"))
        break
    os.kill(pid, signal.SIGCONT)
    time.sleep(0.005)
PY
    [ -e "$STOP_DIR/stopped" ] || touch "$STOP_DIR/finished-before-stop"
    wait "$pid"
    exit $?
fi
exec "$real" "$@"
"""


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def dataset_digest(directory):
    """SHA-256 of the manifest and of every shard, by name."""
    shards = os.path.join(directory, "shards")
    digest = {name: sha256(os.path.join(shards, name)) for name in sorted(os.listdir(shards))}
    digest["manifest.json"] = sha256(os.path.join(directory, "manifest.json"))
    return digest


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The tokenizer, the config (5-document units: 11 units, 3 or 4 per partition) and the
    dataset of one `lime run` of the fixture, to compare with."""
    work = tmp_path_factory.mktemp("slurm-inputs")
    lime = lime_binary()
    model = str(work / "tok.model")
    subprocess.run([lime, "tokenizer", "train", "--input", FIXTURE, "--vocab-size", "600", "--output", model],
                   check=True, capture_output=True)
    config = work / "config.yaml"
    config.write_text(f"annotator:\n  name: {ANNOTATOR}\nunits:\n  documents: 5\n")
    single = work / "single"
    subprocess.run([lime, "run", "--input", FIXTURE, "--output", str(single), "--tokenizer", model,
                    "--config", str(config), "--workers", "2"], check=True, capture_output=True)
    documents = json.load(open(single / "manifest.json"))["documents"]
    return {"lime": lime, "model": model, "config": str(config), "single": dataset_digest(single),
            "documents": documents}


def environment(cluster, inputs, work, lime=None):
    return dict(cluster.env, LIME_BIN=lime or inputs["lime"], INPUTS=FIXTURE,
                TOKENIZER=inputs["model"], WORK=os.path.join(work, "dataset"), CONFIG=inputs["config"])


def submit(cluster, work, env):
    out = cluster.command(SUBMIT, str(PARTS), *SBATCH_OPTIONS, cwd=work, env=env)
    found = re.search(r"job array (\d+) and the merge as job (\d+)", out)
    assert found, out
    return found.group(1), found.group(2)


def assert_merged_equals_single_run(inputs, work):
    merged = os.path.join(work, "dataset", "merged")
    documents = inputs["documents"]
    assert dataset_digest(merged) == inputs["single"]
    verify = subprocess.run([inputs["lime"], "verify", merged], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    merge_logs = [name for name in os.listdir(work) if name.startswith("lime-merge-")]
    assert merge_logs and all(f"{documents} documents" in open(os.path.join(work, name)).read()
                              or f"documents: {documents}" in open(os.path.join(work, name)).read()
                              for name in merge_logs)


def interrupting_lime(inputs, work, partition):
    stop = os.path.join(work, "stop")
    os.makedirs(stop)
    wrapper = os.path.join(work, "lime-wrapper")
    with open(wrapper, "w") as file:
        file.write(INTERRUPTING_LIME.format(real=inputs["lime"]))
    os.chmod(wrapper, 0o755)
    return wrapper, {"STOP_PARTITION": str(partition), "STOP_DIR": stop}


def wait_until_stopped(cluster, stop, timeout=60):
    deadline = time.monotonic() + timeout
    while not os.path.exists(os.path.join(stop, "stopped")):
        assert not os.path.exists(os.path.join(stop, "finished-before-stop")), "the task ended before it was stopped"
        assert time.monotonic() < deadline, f"no array task was stopped mid-run\n{cluster.logs()}"
        time.sleep(0.1)
    return int(open(os.path.join(stop, "stopped")).read())


def units_already_done(log):
    found = re.search(r"(\d+) units processed, (\d+) already done", open(log).read())
    assert found, open(log).read()
    return int(found.group(1)), int(found.group(2))


def test_array_then_afterok_merge_equals_a_single_run(slurm_cluster, inputs):
    work = slurm_cluster.workdir("plain")
    array, merge = submit(slurm_cluster, work, environment(slurm_cluster, inputs, work))
    assert slurm_cluster.jobs(merge)[0]["JobState"] == "PENDING"  # held back by afterok until the array is done
    states = slurm_cluster.wait([array, merge])
    assert states == {array: ["COMPLETED"] * PARTS, merge: ["COMPLETED"]}
    tasks = {int(job["ArrayTaskId"]): job for job in slurm_cluster.jobs(array)}
    assert sorted(tasks) == list(range(PARTS))
    ended = max(job["EndTime"] for job in tasks.values())
    assert slurm_cluster.jobs(merge)[0]["StartTime"] >= ended
    assert_merged_equals_single_run(inputs, work)
    for task in range(PARTS):
        assert os.path.exists(os.path.join(work, f"lime-part-{array}_{task}.log"))


def test_requeued_task_resumes_and_the_merge_is_identical(slurm_cluster, inputs):
    work = slurm_cluster.workdir("requeue")
    wrapper, stop = interrupting_lime(inputs, work, partition=1)
    env = dict(environment(slurm_cluster, inputs, work, lime=wrapper), **stop)
    array, merge = submit(slurm_cluster, work, env)
    committed = wait_until_stopped(slurm_cluster, stop["STOP_DIR"])
    slurm_cluster.command("scontrol", "requeue", f"{array}_1")
    states = slurm_cluster.wait([array, merge], timeout=150)
    assert states == {array: ["COMPLETED"] * PARTS, merge: ["COMPLETED"]}
    task = next(job for job in slurm_cluster.jobs(array) if job["ArrayTaskId"] == "1")
    assert task["Restarts"] == "1"
    final = os.listdir(os.path.join(work, "dataset", "part-1", "shards"))
    assert 1 <= committed < len(final)
    processed, done = units_already_done(os.path.join(work, f"lime-part-{array}_1.log"))
    assert done >= committed and processed >= 1 and processed + done == len(final)  # resumed, not redone
    assert_merged_equals_single_run(inputs, work)


def test_cancelled_task_then_resubmission_is_identical(slurm_cluster, inputs):
    work = slurm_cluster.workdir("resubmit")
    wrapper, stop = interrupting_lime(inputs, work, partition=2)
    env = dict(environment(slurm_cluster, inputs, work, lime=wrapper), **stop)
    array, merge = submit(slurm_cluster, work, env)
    committed = wait_until_stopped(slurm_cluster, stop["STOP_DIR"])
    slurm_cluster.command("scancel", f"{array}_2")
    # The merge can no longer run: it is cancelled instead of pending forever.
    states = slurm_cluster.wait([array, merge])
    assert sorted(states[array]) == ["CANCELLED", "COMPLETED", "COMPLETED"] and states[merge] == ["CANCELLED"]
    assert not os.path.exists(os.path.join(work, "dataset", "merged"))

    array2, merge2 = submit(slurm_cluster, work, env)  # the README's recovery: submit again
    states = slurm_cluster.wait([array2, merge2], timeout=150)
    assert states == {array2: ["COMPLETED"] * PARTS, merge2: ["COMPLETED"]}
    for task in (0, 1):  # finished partitions: nothing to redo
        assert units_already_done(os.path.join(work, f"lime-part-{array2}_{task}.log"))[0] == 0
    processed, done = units_already_done(os.path.join(work, f"lime-part-{array2}_2.log"))
    assert done >= committed and processed >= 1
    assert_merged_equals_single_run(inputs, work)
