#!/bin/bash
# Submits a partitioned lime run as a Slurm job array plus a dependent merge job.
#   Pipelines/slurm/submit.sh N [SBATCH_OPTION...]     (N partitions, e.g. 16)
# Options after N go to both sbatch calls and override the scripts' #SBATCH lines, e.g.
#   submit.sh 16 --account=nlp --partition=cpu --cpus-per-task=4 --mem=8G
# Paths come from the environment (LIME_BIN, INPUTS, TOKENIZER, WORK, CONFIG): see
# lime-partition.sbatch. If a task fails or is cancelled, the merge job is cancelled too
# (it could never run); submitting again then resumes every partition (finished ones
# have nothing left to do). A task requeued with `scontrol requeue` resumes by itself.
set -euo pipefail
N=${1:?usage: submit.sh N [SBATCH_OPTION...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --array=0-$((N - 1)) --export=ALL,PARTS="$N" "$@" "$here/lime-partition.sbatch")
array=${array%%;*} # --parsable prints "id;cluster" on a multi-cluster site
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --export=ALL,PARTS="$N" \
    "$@" "$here/lime-merge.sbatch")
merge=${merge%%;*}
echo "submitted partitions as job array $array and the merge as job $merge"
