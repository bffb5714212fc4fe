#!/bin/bash
# Submits a partitioned lime run as a Slurm job array plus a dependent merge job.
#   Pipelines/slurm/submit.sh N        (N partitions, e.g. 16)
# Paths come from the environment (LIME_BIN, INPUTS, TOKENIZER, WORK, CONFIG): see
# lime-partition.sbatch. Resubmitting after a failure resumes every partition.
set -euo pipefail
N=${1:?usage: submit.sh N}
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --array=0-$((N - 1)) --export=ALL "$here/lime-partition.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --export=ALL,PARTS="$N" "$here/lime-merge.sbatch")
echo "submitted partitions as job array $array and the merge as job $merge"
