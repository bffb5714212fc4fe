# Native tagger targets (issue 3). Included from the top-level Makefile:  include Pipelines/make/tagger.mk
#   make tagger-model     silver data (spaCy) + gold EWT -> Sources/LimeText/Resources/tagger-en.lmtag
#   make bench-annotate   native vs spaCy on held-out real text, one run, ratios printed
# TAGGER_SCRATCH lets parallel agents keep separate build directories.
TAGGER_SCRATCH ?= .build
TAGGER_RELEASE = swift build -c release --scratch-path $(TAGGER_SCRATCH) --product lime
TAGGER_BIN = $(TAGGER_SCRATCH)/release/lime
TAGGER_OUT = out/tagger
TAGGER_MODEL = Sources/LimeText/Resources/tagger-en.lmtag
TAGGER_EWT = ../shared/data/ud-english-ewt
TAGGER_CORPUS = data/corpus
TAGGER_EPOCHS ?= 6
TAGGER_PRUNE ?= 1.0
TAGGER_SILVER = $(TAGGER_OUT)/silver-train.jsonl $(TAGGER_OUT)/extra-wiki.jsonl \
  $(TAGGER_OUT)/extra-pydoc.jsonl $(TAGGER_OUT)/extra-linuxdoc.jsonl $(TAGGER_OUT)/extra-bible.jsonl \
  $(TAGGER_OUT)/extra-bible2.jsonl $(TAGGER_OUT)/extra-linuxdoc2.jsonl $(TAGGER_OUT)/extra-pydoc2.jsonl \
  $(TAGGER_OUT)/extra-bible3.jsonl $(TAGGER_OUT)/extra-linuxdoc3.jsonl $(TAGGER_OUT)/extra-pydoc3.jsonl
SILVER = python3 Pipelines/tagger/silver.py

.PHONY: tagger-model tagger-silver bench-annotate test-tagger

# gensim's wheel (LGPL-2.1 code; we use only its test texts: Lee news corpus, Wikipedia sample).
$(TAGGER_OUT)/gensim.stamp:
	mkdir -p $(TAGGER_OUT)
	python3 -m pip download -q --no-deps gensim==4.4.0 -d $(TAGGER_OUT)
	touch $@
TAGGER_WHEEL = $$(ls $(TAGGER_OUT)/gensim-4.4.0-*.whl | head -1)

$(TAGGER_CORPUS)/pydoc.jsonl:
	python3 Pipelines/corpus/build_corpus.py --source pydoc --output $@
$(TAGGER_CORPUS)/linuxdoc.jsonl:
	python3 Pipelines/corpus/build_corpus.py --source linuxdoc --output $@

# spaCy-annotated silver (handbook, Lee news, Wikipedia; EWT train words with gold tags
# and spaCy entities) and the held-out split (other handbook pages, lee.cor, other articles).
$(TAGGER_OUT)/silver-train.jsonl $(TAGGER_OUT)/heldout.jsonl &: $(TAGGER_OUT)/gensim.stamp
	$(SILVER) --gensim-wheel $(TAGGER_WHEEL) --ewt $(TAGGER_EWT) \
	  --out-train $(TAGGER_OUT)/silver-train.jsonl --out-heldout $(TAGGER_OUT)/heldout.jsonl
$(TAGGER_OUT)/extra-wiki.jsonl: $(TAGGER_OUT)/gensim.stamp
	$(SILVER) --gensim-wheel $(TAGGER_WHEEL) --wiki-rest $@
$(TAGGER_OUT)/extra-pydoc.jsonl: $(TAGGER_CORPUS)/pydoc.jsonl
	$(SILVER) --texts $< --every 10 --out $@
$(TAGGER_OUT)/extra-linuxdoc.jsonl: $(TAGGER_CORPUS)/linuxdoc.jsonl
	$(SILVER) --texts $< --every 25 --out $@
$(TAGGER_OUT)/extra-bible.jsonl: $(TAGGER_CORPUS)/bible.jsonl
	$(SILVER) --texts $< --every 10 --out $@
$(TAGGER_OUT)/extra-bible2.jsonl: $(TAGGER_CORPUS)/bible.jsonl
	$(SILVER) --texts $< --every 10 --offset 3 --out $@
$(TAGGER_OUT)/extra-linuxdoc2.jsonl: $(TAGGER_CORPUS)/linuxdoc.jsonl
	$(SILVER) --texts $< --every 25 --offset 13 --out $@
$(TAGGER_OUT)/extra-pydoc2.jsonl: $(TAGGER_CORPUS)/pydoc.jsonl
	$(SILVER) --texts $< --every 10 --offset 3 --limit 300 --out $@
$(TAGGER_OUT)/extra-bible3.jsonl: $(TAGGER_CORPUS)/bible.jsonl
	$(SILVER) --texts $< --every 10 --offset 7 --out $@
$(TAGGER_OUT)/extra-linuxdoc3.jsonl: $(TAGGER_CORPUS)/linuxdoc.jsonl
	$(SILVER) --texts $< --every 25 --offset 19 --out $@
$(TAGGER_OUT)/extra-pydoc3.jsonl: $(TAGGER_CORPUS)/pydoc.jsonl
	$(SILVER) --texts $< --every 10 --offset 7 --limit 400 --out $@
tagger-silver: $(TAGGER_SILVER)

# Train (deterministic: fixed seed, sorted weights), prune, ship.
tagger-model: $(TAGGER_SILVER)
	$(TAGGER_RELEASE)
	$(TAGGER_BIN) tagger train $(foreach f,$(TAGGER_SILVER),--data $(f)) --epochs $(TAGGER_EPOCHS) --prune $(TAGGER_PRUNE) \
	  --description "lime native tagger: UD English EWT train (gold tags, CC BY-SA 4.0) + spaCy en_core_web_sm 3.8 silver; recipe Pipelines/make/tagger.mk" \
	  --output $(TAGGER_OUT)/tagger-en.lmtag --dev $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst --dev $(TAGGER_OUT)/heldout.jsonl
	cp $(TAGGER_OUT)/tagger-en.lmtag $(TAGGER_MODEL).tmp && mv $(TAGGER_MODEL).tmp $(TAGGER_MODEL)
	sha256sum $(TAGGER_MODEL)

# Held-out text: silver.py's held-out split plus corpus documents never used in training
# (training takes i % 10 in {0, 3, 7} of pydoc and bible, i % 25 in {0, 13, 19} of linuxdoc;
# the benchmark takes i % 40 == 5 of pydoc and bible, i % 100 == 51 of linuxdoc).
bench-annotate: $(TAGGER_OUT)/heldout.jsonl $(TAGGER_CORPUS)/pydoc.jsonl $(TAGGER_CORPUS)/linuxdoc.jsonl $(TAGGER_CORPUS)/bible.jsonl
	$(TAGGER_RELEASE)
	python3 Pipelines/tagger/bench_annotate.py --tagger "$(TAGGER_BIN) tagger" --model $(TAGGER_MODEL) \
	  --heldout $(TAGGER_OUT)/heldout.jsonl --texts $(TAGGER_CORPUS)/pydoc.jsonl:40:5 \
	  --texts $(TAGGER_CORPUS)/linuxdoc.jsonl:100:51 --texts $(TAGGER_CORPUS)/bible.jsonl:40:5 \
	  --ewt-dev $(TAGGER_EWT)/en_ewt-ud-dev.conllu.zst

test-tagger:
	swift test --scratch-path $(TAGGER_SCRATCH) --filter Tagger
