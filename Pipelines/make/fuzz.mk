# Fuzzing (issue 17.1): libFuzzer targets in Tests/Fuzz/Targets, one reader each. Included
# from the top-level Makefile. `make fuzz FUZZ_SECONDS=N` runs every target N seconds;
# `make fuzz-smoke` (part of `make test`) runs each a few seconds and replays the committed
# crash inputs. Builds go to .build-fuzz (LIME_FUZZ=1 adds the targets to the package).
.PHONY: fuzz fuzz-build fuzz-smoke

FUZZ_TARGETS := input shard manifest tagger-model checkpoint tokenizer
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_BUILD := .build-fuzz
# What -sanitize=fuzzer instruments, without its link step (see Package.swift).
FUZZ_SWIFT_FLAGS := -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table -Xswiftc -g
FUZZER_LIB ?= $(firstword $(wildcard $(dir $(realpath $(shell command -v swiftc)))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))

## fuzz-build: the fuzz targets with libFuzzer and AddressSanitizer (debug: every check, quick to build)
fuzz-build:
	@[ -n "$(FUZZER_LIB)" ] || { echo "fuzz: libclang_rt.fuzzer_no_main not found beside swiftc (set FUZZER_LIB)"; exit 2; }
	@for t in $(FUZZ_TARGETS); do \
	  LIME_FUZZ=1 LIME_FUZZER_LIB=$(FUZZER_LIB) $(SWIFT) build -c debug --build-path $(FUZZ_BUILD) $(FUZZ_SWIFT_FLAGS) --product fuzz-$$t || exit 1; \
	done

## fuzz: every fuzz target for FUZZ_SECONDS seconds, one after the other
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do FUZZ_BUILD=$(FUZZ_BUILD) Tests/Fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; done

## fuzz-smoke: every fuzz target for a few seconds, after replaying its regression inputs
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)
