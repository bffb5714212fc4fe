# The LIME ablation (issue 5): corpus -> tokenizer -> shards -> baseline, lime, lime+1 with
# identical data order, seed, steps and model size -> experiment/report.md, results.json, SVGs.
# `make experiment` is the committed run (medium.json: about 15 minutes on 2 cores);
# `make experiment EXP_CONFIG=Pipelines/experiment/config.json` a larger one (hours);
# `make experiment-small` a quick one.
EXP_SCRATCH ?= .build
EXP_LIME = $(EXP_SCRATCH)/release/lime
EXP_SOURCE = data/corpus/all.jsonl
EXP_ARITH_TRAIN = data/experiment/arith-train.jsonl
EXP_ARITH_HELDOUT = data/experiment/arith-heldout.jsonl
EXP_CORPUS = data/experiment/corpus-shuffled.jsonl
EXP_TOKENIZER = data/experiment/tokenizer-8k.model
EXP_DATA = data/experiment/shards
EXP_RUNS = experiment/runs
EXP_CONFIG ?= Pipelines/experiment/medium.json
EXP_METADATA ?= tag

.PHONY: experiment experiment-small experiment-train experiment-probe experiment-report

$(EXP_LIME):
	swift build -c release --scratch-path $(EXP_SCRATCH) --product lime

# The corpus needs the Python and Linux documentation packages besides the demo's.
$(EXP_SOURCE):
	@for p in python3.11-doc linux-doc-6.1; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi
	python3 Pipelines/corpus/build_corpus.py --source all --output $(EXP_SOURCE)

# Arithmetic problems for the probe: training documents and a held-out set.
$(EXP_ARITH_TRAIN) $(EXP_ARITH_HELDOUT) &:
	python3 Pipelines/experiment/arithmetic.py --train $(EXP_ARITH_TRAIN) --heldout $(EXP_ARITH_HELDOUT) --seed 1

# Documents (text and arithmetic) shuffled, seeded, so that every shard mixes all sources.
$(EXP_CORPUS): $(EXP_SOURCE) $(EXP_ARITH_TRAIN)
	mkdir -p $(dir $@)
	cat $(EXP_SOURCE) $(EXP_ARITH_TRAIN) > $@.all
	python3 Pipelines/experiment/shuffle_corpus.py $@.all $@ --seed 1
	rm -f $@.all

$(EXP_TOKENIZER): $(EXP_CORPUS) | $(EXP_LIME)
	mkdir -p $(dir $@)
	$(EXP_LIME) tokenizer train --input $(EXP_CORPUS) --vocab-size 8000 --output $@

$(EXP_DATA)/manifest.json: $(EXP_TOKENIZER)
	$(EXP_LIME) run --input $(EXP_CORPUS) --output $(EXP_DATA) --tokenizer $(EXP_TOKENIZER) --annotator native

# lime+1-predicted: lime+1 with the metadata head (--metadata-head). Every run is then
# evaluated by `lime eval` on the same first validation windows (RUN/eval.json; for the
# head run also with its own tags fed: modes.predicted, and the head's accuracy).
EXP_VARIANTS = baseline lime lime+1 lime+1-predicted
EXP_EVAL_WINDOWS ?= 64

experiment-train: $(EXP_DATA)/manifest.json
	for v in $(EXP_VARIANTS); do \
	  run=$(EXP_RUNS)/$$(echo $$v | sed 's/+/plus/'); \
	  variant=$${v%-predicted}; head=$$([ "$$v" = lime+1-predicted ] && echo --metadata-head); \
	  if [ -f $$run/checkpoint.lime ]; then $(EXP_LIME) train --resume $$run; \
	  else $(EXP_LIME) train --data $(EXP_DATA) --tokenizer $(EXP_TOKENIZER) --variant $$variant $$head --metadata $(EXP_METADATA) --config $(EXP_CONFIG) --out $$run; fi || exit 1; \
	done
	for v in $(EXP_VARIANTS); do run=$(EXP_RUNS)/$$(echo $$v | sed 's/+/plus/'); \
	  $(EXP_LIME) eval --checkpoint $$run --max-windows $(EXP_EVAL_WINDOWS) --json $$run/eval.json > $$run/eval.txt || exit 1; \
	done

experiment-probe: $(EXP_ARITH_HELDOUT)
	for v in baseline lime limeplus1 limeplus1-predicted; do \
	  $(EXP_LIME) probe --checkpoint $(EXP_RUNS)/$$v --problems $(EXP_ARITH_HELDOUT) --json $(EXP_RUNS)/$$v/arith.json || exit 1; \
	done

experiment-report:
	python3 Pipelines/experiment/report.py --runs $(EXP_RUNS) --out experiment

experiment: experiment-train experiment-probe experiment-report

experiment-small:
	$(MAKE) experiment EXP_CONFIG=Pipelines/experiment/small.json EXP_RUNS=experiment/runs-small
