#!/usr/bin/env bash
# Prints the SHA-256 of everything lime produces from a fixed small input: tokenizer,
# shards (lime and whole-text modes, 1 and 2 workers), annotations, tagger models
# (perceptron and entity networks), training checkpoints (baseline, lime, lime+1,
# resumed), evaluation, generation and probe output. Refactorings must not change any
# line: run it before and after and diff the outputs.
#   Pipelines/dev/output_hashes.sh LIME_BIN WORK_DIR > hashes.txt
set -euo pipefail
LIME=$(realpath "${1:?usage: output_hashes.sh LIME_BIN WORK_DIR}")
WORK=${2:?usage: output_hashes.sh LIME_BIN WORK_DIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIXTURE=$ROOT/Tests/LimeDataTests/Fixtures/real-text.jsonl
EWT=$ROOT/../shared/data/ud-english-ewt
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
h() { for f in "$@"; do printf '%s  %s\n' "$(sha256sum < "$f" | cut -c1-64)" "$f"; done; }
q() { "$LIME" "$@" > /dev/null 2>&1 || { echo "failed: lime $*" >&2; "$LIME" "$@" >&2; exit 1; }; }

# Input: the fixture repeated with distinct ids (more documents, several units).
python3 - "$FIXTURE" > corpus.jsonl <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
for r in range(4):
    for i, d in enumerate(lines):
        print(json.dumps({"id": f"r{r}-{i}", "text": d["text"]}))
PY
q tokenizer train --input corpus.jsonl --vocab-size 700 --output tok.model
h tok.model
for mode in lime whole-text; do
  for workers in 1 2; do
    q run --input corpus.jsonl --output "run-$mode-$workers" --tokenizer tok.model --mode "$mode" --workers "$workers" --unit-documents 40
    h "run-$mode-$workers"/manifest.json "run-$mode-$workers"/shards/*
  done
done
q export run-lime-1 --output export.jsonl
h export.jsonl
q annotate --input corpus.jsonl --output annotated.jsonl
h annotated.jsonl

# Tagger: a perceptron model on EWT train (first 2000 sentences), then entity networks on
# the annotated corpus (with history, dropout, two networks).
zstd -dc "$EWT/en_ewt-ud-train.conllu.zst" | python3 -c 'import sys; print("\n\n".join(sys.stdin.read().split("\n\n")[:2000]))' > ewt-small.conllu
q tagger train --data ewt-small.conllu --output perceptron.lmtag --epochs 2
h perceptron.lmtag
q tagger train-entities --model perceptron.lmtag --data annotated.jsonl --output entities.lmtag --epochs 2 --hidden 32 --token-width 32 --embedding 16 --history --dropout 0.1 --networks 2 --threads 2
h entities.lmtag
q tagger annotate --model entities.lmtag --input corpus.jsonl --output tagged.jsonl
h tagged.jsonl

# Trainer: three variants, then a run stopped and resumed.
cat > train.json <<'J'
{"context_length": 32, "layers": 2, "d_model": 32, "heads": 2, "batch_size": 4, "steps": 40,
 "learning_rate": 0.003, "min_learning_rate": 0.0003, "warmup_steps": 5, "validation_fraction": 0.05,
 "eval_every": 20, "eval_windows": 8, "checkpoint_every": 20, "log_every": 20, "threads": 2}
J
for variant in baseline lime lime+1; do
  q train --data run-lime-1 --variant "$variant" --metadata tag,pos,ner --config train.json --out "train-$variant"
  h "train-$variant"/checkpoint.lime
done
q train --data run-lime-1 --variant lime+1 --metadata tag,ner --config train.json --out train-resumed --stop-after 20
q train --resume train-resumed
h train-resumed/checkpoint.lime
q eval --checkpoint train-lime --data run-lime-1 --json eval.json
h eval.json
"$LIME" generate --checkpoint train-lime --prompt "The king said" --max-tokens 12 --seed 3 > generate.txt 2>/dev/null
"$LIME" generate --checkpoint train-lime+1 --prompt "The king said" --guide "DT/DET/O NN/NOUN/O VBD/VERB/O" --max-tokens 12 --seed 3 > generate-guided.txt 2>/dev/null
h generate.txt generate-guided.txt
printf '{"prompt": "1 + 2 =", "answer": "3"}\n{"prompt": "4 + 4 =", "answer": "8"}\n' > problems.jsonl
q probe --checkpoint train-lime --problems problems.jsonl --json probe.json
h probe.json
