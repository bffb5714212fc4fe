# Native tagger targets (issue 3). Included from the top-level Makefile:  include Pipelines/make/tagger.mk
#   make tagger-model     silver data (spaCy) + gold EWT -> Sources/LimeText/Resources/tagger-en.lmtag
#   make tagger-model-causal  the same, causal context -> Sources/LimeText/Resources/tagger-en-causal.lmtag
#   make bench-annotate   native vs spaCy on held-out real text, one run, ratios printed
#   make tagger-norms     re-export spaCy's NORM exceptions (Sources/LimeText/Resources/spacy-norms.tsv)
#   A new tagger-en.lmtag (16.5 MB) is committed only when it ships, i.e. when it replaces the
#   shipped model after `make bench-annotate` on held-out text: git history keeps every copy
#   (ten versions already make most of the repository's size). Experiments stay outside git.
# TAGGER_SCRATCH lets parallel agents keep separate build directories.
TAGGER_SCRATCH ?= .build
TAGGER_RELEASE = swift build -c release --scratch-path $(TAGGER_SCRATCH) --product lime
TAGGER_BIN = $(TAGGER_SCRATCH)/release/lime
TAGGER_OUT = out/tagger
TAGGER_MODEL = Sources/LimeText/Resources/tagger-en.lmtag
TAGGER_EWT = ../shared/data/ud-english-ewt
TAGGER_CORPUS = data/corpus
TAGGER_EPOCHS ?= 6
TAGGER_PRUNE ?= 1.5
# Silver text: every corpus document except the benchmark's held-out ones (see bench-annotate).
TAGGER_SILVER = $(TAGGER_OUT)/silver-train.jsonl $(TAGGER_OUT)/extra-wiki.jsonl \
  $(TAGGER_OUT)/rest-pydoc.jsonl $(TAGGER_OUT)/rest-linuxdoc.jsonl $(TAGGER_OUT)/rest-bible.jsonl \
  $(TAGGER_OUT)/wordnet.jsonl $(TAGGER_OUT)/foldoc.jsonl
SILVER = python3 Pipelines/tagger/silver.py

.PHONY: tagger-model tagger-model-causal tagger-causal-agreement tagger-silver tagger-norms bench-annotate test-tagger

# gensim's wheel (LGPL-2.1 code; we use only its test texts: Lee news corpus, Wikipedia sample).
$(TAGGER_OUT)/gensim.stamp:
	mkdir -p $(TAGGER_OUT)
	python3 -m pip download -q --no-deps gensim==4.4.0 -d $(TAGGER_OUT)
	touch $@
TAGGER_WHEEL = $$(ls $(TAGGER_OUT)/gensim-4.4.0-*.whl | head -1)

# Debian packages of the tagger's corpora (beside the demo's, which `make deps` installs).
TAGGER_APT = python3.11-doc linux-doc-6.1 wordnet-base dict-foldoc debian-reference-en debian-history
$(TAGGER_OUT)/apt.stamp:
	@for p in $(TAGGER_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi
	mkdir -p $(TAGGER_OUT) && touch $@

$(TAGGER_CORPUS)/pydoc.jsonl: | $(TAGGER_OUT)/apt.stamp
	python3 Pipelines/corpus/build_corpus.py --source pydoc --output $@
$(TAGGER_CORPUS)/linuxdoc.jsonl: | $(TAGGER_OUT)/apt.stamp
	python3 Pipelines/corpus/build_corpus.py --source linuxdoc --output $@

# spaCy-annotated silver (handbook, Lee news, Wikipedia; EWT train words with gold tags
# and spaCy entities) and the held-out split (other handbook pages, lee.cor, other articles).
$(TAGGER_OUT)/silver-train.jsonl $(TAGGER_OUT)/heldout.jsonl &: $(TAGGER_OUT)/gensim.stamp
	$(SILVER) --gensim-wheel $(TAGGER_WHEEL) --ewt $(TAGGER_EWT) \
	  --out-train $(TAGGER_OUT)/silver-train.jsonl --out-heldout $(TAGGER_OUT)/heldout.jsonl
$(TAGGER_OUT)/extra-wiki.jsonl: $(TAGGER_OUT)/gensim.stamp
	$(SILVER) --gensim-wheel $(TAGGER_WHEEL) --wiki-rest $@
$(TAGGER_CORPUS)/wordnet.jsonl: | $(TAGGER_OUT)/apt.stamp
	python3 Pipelines/corpus/build_corpus.py --source wordnet --output $@
$(TAGGER_CORPUS)/foldoc.jsonl: | $(TAGGER_OUT)/apt.stamp
	python3 Pipelines/corpus/build_corpus.py --source foldoc --output $@
$(TAGGER_OUT)/rest-pydoc.jsonl: $(TAGGER_CORPUS)/pydoc.jsonl
	$(SILVER) --texts $< --exclude 40:5 --out $@
$(TAGGER_OUT)/rest-linuxdoc.jsonl: $(TAGGER_CORPUS)/linuxdoc.jsonl
	$(SILVER) --texts $< --exclude 100:51 --out $@
$(TAGGER_OUT)/rest-bible.jsonl: $(TAGGER_CORPUS)/bible.jsonl
	$(SILVER) --texts $< --exclude 40:5 --out $@
$(TAGGER_OUT)/wordnet.jsonl: $(TAGGER_CORPUS)/wordnet.jsonl
	$(SILVER) --texts $< --out $@
$(TAGGER_OUT)/foldoc.jsonl: $(TAGGER_CORPUS)/foldoc.jsonl
	$(SILVER) --texts $< --out $@
tagger-silver: $(TAGGER_SILVER)

# Validation text (spaCy-labelled, neither trained on nor benchmarked: the held-out wiki
# chunks the benchmark leaves, the Debian Reference and project history): the networks'
# settings are chosen on it, not on the benchmark.
$(TAGGER_OUT)/validation.jsonl: $(TAGGER_OUT)/gensim.stamp | $(TAGGER_OUT)/apt.stamp
	$(SILVER) --gensim-wheel $(TAGGER_WHEEL) --validation $@

# spaCy's own embedding tables of its entity recognizer (the rows the networks read): the
# networks start from them and keep them (MIT, from en_core_web_sm).
$(TAGGER_OUT)/spacy-ner-embeddings.bin:
	python3 Pipelines/tagger/export_embeddings.py --output $@

# spaCy's NORM exceptions, which the spaCy-row features need (committed; rerun after a spaCy model update).
tagger-norms:
	python3 Pipelines/tagger/export_norms.py --output Sources/LimeText/Resources/spacy-norms.tsv

# Train (deterministic: fixed seed, sorted weights) keeping weights from 0.5 up, prune the
# tag and UPOS models to TAGGER_PRUNE (size, memory and speed against accuracy: see the
# README beside the model), then train the entity networks (an ensemble of
# TAGGER_NETWORKS, side by side) on the same silver text, on top of spaCy's frozen
# embedding tables, which replace the perceptron entity models, and ship. Deterministic too: the networks' matrix products give the
# same results on any number of threads. `make tagger-model TAGGER_PRUNE=x`
# re-prunes and retrains only the network.
TAGGER_ENTITY_EPOCHS ?= 4
TAGGER_ENTITY_HIDDEN ?= 96
TAGGER_NETWORKS ?= 2
TAGGER_THREADS ?= 2
$(TAGGER_OUT)/tagger-full.lmtag: $(TAGGER_SILVER)
	$(TAGGER_RELEASE)
	$(TAGGER_BIN) tagger train $(foreach f,$(TAGGER_SILVER),--data $(f)) --epochs $(TAGGER_EPOCHS) --prune 0.5 \
	  --description "lime native tagger: UD English EWT train (gold tags, CC BY-SA 4.0) + spaCy en_core_web_sm 3.8 silver; recipe Pipelines/make/tagger.mk" \
	  --output $@ --dev $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst --dev $(TAGGER_OUT)/heldout.jsonl
tagger-model: $(TAGGER_OUT)/tagger-full.lmtag $(TAGGER_OUT)/spacy-ner-embeddings.bin $(TAGGER_OUT)/validation.jsonl
	$(TAGGER_RELEASE)
	$(TAGGER_BIN) tagger prune --model $< --threshold $(TAGGER_PRUNE) --output $(TAGGER_OUT)/tagger-base.lmtag
	$(TAGGER_BIN) tagger train-entities --model $(TAGGER_OUT)/tagger-base.lmtag $(foreach f,$(TAGGER_SILVER),--data $(f)) \
	  --init-embeddings $(TAGGER_OUT)/spacy-ner-embeddings.bin --freeze-embeddings \
	  --history --hidden $(TAGGER_ENTITY_HIDDEN) --epochs $(TAGGER_ENTITY_EPOCHS) --networks $(TAGGER_NETWORKS) --threads $(TAGGER_THREADS) --output $(TAGGER_OUT)/tagger-en.lmtag \
	  --dev $(TAGGER_OUT)/validation.jsonl
	cp $(TAGGER_OUT)/tagger-en.lmtag $(TAGGER_MODEL).tmp && mv $(TAGGER_MODEL).tmp $(TAGGER_MODEL)
	sha256sum $(TAGGER_MODEL)

# The causal model (`lime run --annotation-context causal`): the same data and recipe, with
# features that read only the text up to each token (`tagger train --context causal`; the
# entity networks of a causal base model are causal, decoded greedily with history). Then
# its agreement with the full-context model on text no model has seen, and both against
# spaCy and EWT, printed (`make tagger-causal-agreement`).
TAGGER_CAUSAL_MODEL = Sources/LimeText/Resources/tagger-en-causal.lmtag
$(TAGGER_OUT)/tagger-causal-full.lmtag: $(TAGGER_SILVER)
	$(TAGGER_RELEASE)
	$(TAGGER_BIN) tagger train $(foreach f,$(TAGGER_SILVER),--data $(f)) --epochs $(TAGGER_EPOCHS) --prune 0.5 --context causal \
	  --description "lime native tagger, causal context (each token's tags from the text up to it): UD English EWT train (gold tags, CC BY-SA 4.0) + spaCy en_core_web_sm 3.8 silver; recipe Pipelines/make/tagger.mk" \
	  --output $@ --dev $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst --dev $(TAGGER_OUT)/heldout.jsonl
tagger-model-causal: $(TAGGER_OUT)/tagger-causal-full.lmtag $(TAGGER_OUT)/spacy-ner-embeddings.bin $(TAGGER_OUT)/validation.jsonl
	$(TAGGER_RELEASE)
	$(TAGGER_BIN) tagger prune --model $< --threshold $(TAGGER_PRUNE) --output $(TAGGER_OUT)/tagger-causal-base.lmtag
	$(TAGGER_BIN) tagger train-entities --model $(TAGGER_OUT)/tagger-causal-base.lmtag $(foreach f,$(TAGGER_SILVER),--data $(f)) \
	  --init-embeddings $(TAGGER_OUT)/spacy-ner-embeddings.bin --freeze-embeddings \
	  --history --hidden $(TAGGER_ENTITY_HIDDEN) --epochs $(TAGGER_ENTITY_EPOCHS) --networks $(TAGGER_NETWORKS) --threads $(TAGGER_THREADS) --output $(TAGGER_OUT)/tagger-en-causal.lmtag \
	  --dev $(TAGGER_OUT)/validation.jsonl
	cp $(TAGGER_OUT)/tagger-en-causal.lmtag $(TAGGER_CAUSAL_MODEL).tmp && mv $(TAGGER_CAUSAL_MODEL).tmp $(TAGGER_CAUSAL_MODEL)
	sha256sum $(TAGGER_CAUSAL_MODEL)
	$(MAKE) --no-print-directory tagger-causal-agreement

# Held-out text: silver.py's held-out split plus corpus documents never used in training
# (the benchmark takes i % 40 == 5 of pydoc and bible, i % 100 == 51 of linuxdoc; training
# takes every other document of those corpora).
# Text no model of lime's has seen (several genres, Debian packages): Pipelines/corpus/unseen.py.
UNSEEN = data/unseen/unseen.jsonl
UNSEEN_APT = fortunes jargon-text
$(UNSEEN):
	@for p in $(UNSEEN_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi
	python3 Pipelines/corpus/unseen.py --output $@

bench-annotate: $(UNSEEN) $(TAGGER_OUT)/heldout.jsonl $(TAGGER_CORPUS)/pydoc.jsonl $(TAGGER_CORPUS)/linuxdoc.jsonl $(TAGGER_CORPUS)/bible.jsonl
	$(TAGGER_RELEASE)
	python3 Pipelines/tagger/bench_annotate.py --tagger "$(TAGGER_BIN) tagger" --model $(TAGGER_MODEL) \
	  --heldout $(TAGGER_OUT)/heldout.jsonl --texts $(TAGGER_CORPUS)/pydoc.jsonl:40:5 \
	  --texts $(TAGGER_CORPUS)/linuxdoc.jsonl:100:51 --texts $(TAGGER_CORPUS)/bible.jsonl:40:5 \
	  --ewt-dev $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst
	python3 Pipelines/tagger/bench_annotate.py --tagger "$(TAGGER_BIN) tagger" --model $(TAGGER_MODEL) \
	  --heldout $(UNSEEN) --ewt-dev $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst
	python3 Pipelines/bench/bench_annotate_process.py --lime $(TAGGER_BIN) --input $(UNSEEN) --work bench-out/annotate-process

# Agreement of the causal model with the full-context one (the shipped model's tags as the
# reference) on unseen text, and both models against spaCy (held-out silver) and EWT dev
# (gold). Defined after UNSEEN: prerequisites expand when read.
tagger-causal-agreement: $(UNSEEN) $(TAGGER_OUT)/heldout.jsonl
	$(TAGGER_RELEASE)
	$(TAGGER_BIN) tagger annotate --model $(TAGGER_MODEL) --input $(UNSEEN) --output $(TAGGER_OUT)/unseen-full-context.jsonl
	@echo "== causal vs full-context tags, unseen text"
	$(TAGGER_BIN) tagger eval --model $(TAGGER_CAUSAL_MODEL) $(TAGGER_OUT)/unseen-full-context.jsonl
	@echo "== causal model vs spaCy (held-out silver) and EWT dev (gold)"
	$(TAGGER_BIN) tagger eval --model $(TAGGER_CAUSAL_MODEL) $(TAGGER_OUT)/heldout.jsonl $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst
	@echo "== full-context model, same references"
	$(TAGGER_BIN) tagger eval --model $(TAGGER_MODEL) $(TAGGER_OUT)/heldout.jsonl $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst

test-tagger:
	swift test --scratch-path $(TAGGER_SCRATCH) --filter Tagger
