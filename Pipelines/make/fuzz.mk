# Fuzzing (issue 17.1): libFuzzer targets in Tests/Fuzz/Targets, one reader each. Included
# from the top-level Makefile. `make fuzz FUZZ_SECONDS=N` runs every target N seconds;
# `make fuzz-smoke` (part of `make test`) runs each a few seconds and replays the committed
# crash inputs. Builds go to .build-fuzz (LIME_FUZZ=1 adds the targets to the package).
.PHONY: fuzz fuzz-build fuzz-smoke

FUZZ_TARGETS := input shard manifest tagger-model checkpoint tokenizer
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_BUILD := .build-fuzz
FUZZ_SWIFT_FLAGS := -Xswiftc -sanitize=fuzzer,address -Xswiftc -g

## fuzz-build: the fuzz targets with libFuzzer and AddressSanitizer (release, all checks kept)
fuzz-build:
	@for t in $(FUZZ_TARGETS); do \
	  LIME_FUZZ=1 $(SWIFT) build -c release --build-path $(FUZZ_BUILD) $(FUZZ_SWIFT_FLAGS) --product fuzz-$$t || exit 1; \
	done

## fuzz: every fuzz target for FUZZ_SECONDS seconds, one after the other
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do FUZZ_BUILD=$(FUZZ_BUILD) Tests/Fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; done

## fuzz-smoke: every fuzz target for a few seconds, after replaying its regression inputs
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)
