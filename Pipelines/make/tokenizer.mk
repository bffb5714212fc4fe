## default-tokenizer: retrain lime's shipped tokenizer (Sources/LimeData/Resources/lime-en-16k.model)
## from handbook + bible + pydoc and check it is byte-identical to the committed file.
## Recipe and licences: Pipelines/tokenizer/README.md. A new model is committed only when it ships.
DEFAULT_TOKENIZER := Sources/LimeData/Resources/lime-en-16k.model
DEFAULT_TOKENIZER_CORPUS := $(CORPUS)/handbook.jsonl $(CORPUS)/bible.jsonl $(CORPUS)/pydoc.jsonl

# $(CORPUS)/pydoc.jsonl is made by the rule in tagger.mk (it installs python3.11-doc).

.PHONY: default-tokenizer
default-tokenizer: release $(DEFAULT_TOKENIZER_CORPUS)
	@mkdir -p out
	$(RELEASE_BIN) tokenizer train --input $(DEFAULT_TOKENIZER_CORPUS) --vocab-size 16000 --output out/lime-en-16k.model
	@if cmp -s out/lime-en-16k.model $(DEFAULT_TOKENIZER); then echo "default-tokenizer: identical to the shipped $(DEFAULT_TOKENIZER)"; \
	else echo "default-tokenizer: differs from the shipped model; to ship it: cp out/lime-en-16k.model $(DEFAULT_TOKENIZER)"; exit 1; fi

## view-check: `lime view` of the demo output rendered by headless Chromium to a screenshot
.PHONY: view-check
view-check: demo
	chromium --headless --no-sandbox --disable-gpu --user-data-dir=out/chromium-profile \
	  --screenshot=$(DEMO_OUT)/view.png --window-size=1200,1600 file://$(CURDIR)/$(DEMO_OUT)/view.html
	@echo "view-check: screenshot in $(DEMO_OUT)/view.png"

## bench-hf-tokenizer: lime's tokenizer.json BPE vs Hugging Face `tokenizers` (one thread), same text, same run
.PHONY: bench-hf-tokenizer
bench-hf-tokenizer: release corpus
	$(PYTHON) Pipelines/bench/bench_hf_tokenizer.py --lime $(RELEASE_BIN) --input $(CORPUS)/bible.jsonl --style gpt2
	$(PYTHON) Pipelines/bench/bench_hf_tokenizer.py --lime $(RELEASE_BIN) --input $(CORPUS)/bible.jsonl --style llama3
