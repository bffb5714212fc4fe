"""The Slurm templates run for real (as plain bash, one array task at a time), and the
Kubernetes manifests are well-formed Indexed/merge Jobs. Needs the `lime` binary."""
import filecmp
import os
import subprocess

import yaml

from test_swift_shards import ANNOTATOR, FIXTURE, ROOT, lime_binary

SLURM = os.path.join(ROOT, "Pipelines", "slurm")


def test_slurm_array_then_merge_equals_a_single_run(tmp_path):
    lime = lime_binary()
    model = str(tmp_path / "tok.model")
    subprocess.run([lime, "tokenizer", "train", "--input", FIXTURE, "--vocab-size", "600", "--output", model],
                   check=True, capture_output=True)
    config = tmp_path / "config.yaml"
    config.write_text(f"annotator:\n  name: {ANNOTATOR}\nunits:\n  documents: 5\n")
    env = dict(os.environ, LIME_BIN=lime, INPUTS=FIXTURE, TOKENIZER=model, WORK=str(tmp_path / "work"),
               CONFIG=str(config), SLURM_CPUS_PER_TASK="2", SLURM_ARRAY_TASK_COUNT="3")
    for task in range(3):
        # Task 2 as if resubmitted alone (sbatch --array=2): PARTS, not the array's size, is N.
        alone = {"SLURM_ARRAY_TASK_COUNT": "1", "PARTS": "3"} if task == 2 else {}
        subprocess.run(["bash", os.path.join(SLURM, "lime-partition.sbatch")], check=True, capture_output=True,
                       env=dict(env, SLURM_ARRAY_TASK_ID=str(task), **alone))
    merge = subprocess.run(["bash", os.path.join(SLURM, "lime-merge.sbatch")], check=True, capture_output=True,
                           text=True, env=dict(env, PARTS="3"))
    assert "52 documents" in merge.stdout or "documents: 52" in merge.stdout

    single = tmp_path / "single"
    subprocess.run([lime, "run", "--input", FIXTURE, "--output", str(single), "--tokenizer", model,
                    "--config", str(config)], check=True, capture_output=True)
    merged = tmp_path / "work" / "merged"
    assert (merged / "manifest.json").read_bytes() == (single / "manifest.json").read_bytes()
    names = sorted(os.listdir(single / "shards"))
    assert names == sorted(os.listdir(merged / "shards")) and len(names) == 11
    match, mismatch, errors = filecmp.cmpfiles(single / "shards", merged / "shards", names, shallow=False)
    assert mismatch == [] and errors == []


def test_submit_script_chains_the_merge_after_the_array():
    text = open(os.path.join(SLURM, "submit.sh")).read()
    assert "--array=0-$((N - 1))" in text and "--dependency=afterok:" in text


def test_kubernetes_jobs_are_complete():
    directory = os.path.join(ROOT, "Pipelines", "k8s")
    partitions = yaml.safe_load(open(os.path.join(directory, "lime-partitions.yaml")))
    spec = partitions["spec"]
    assert partitions["kind"] == "Job" and spec["completionMode"] == "Indexed"
    script = spec["template"]["spec"]["containers"][0]["args"][0]
    assert "--partition $I/$N" in script and "JOB_COMPLETION_INDEX" in script
    assert f"N={spec['completions']}" in script
    merge = yaml.safe_load(open(os.path.join(directory, "lime-merge.yaml")))
    merge_script = merge["spec"]["template"]["spec"]["containers"][0]["args"][0]
    assert "lime merge" in merge_script and f"N={spec['completions']}" in merge_script
