# Sanitizers (issue 17.4). Included from the top-level Makefile. Not part of `make test`
# (each is a full build and a slow run): separate build paths leave .build untouched.
.PHONY: test-sanitize test-asan test-tsan

SANITIZE_TSAN_FILTER ?= PipelineTests|ThreadPoolTests|ScaleTests|BlockingQueueTests|MatmulTests

## test-sanitize: the Swift tests under AddressSanitizer, the parallel ones under ThreadSanitizer
test-sanitize: test-asan test-tsan

## test-asan: every Swift test under -sanitize=address (build in .build-asan)
test-asan:
	$(SWIFT) build --build-tests --build-path .build-asan --sanitize=address
	ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 $(SWIFT) test --skip-build --build-path .build-asan --sanitize=address

## test-tsan: the pipeline, thread pool and scaling tests under -sanitize=thread (build in .build-tsan)
test-tsan:
	$(SWIFT) build --build-tests --build-path .build-tsan --sanitize=thread
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --build-path .build-tsan --sanitize=thread --filter '$(SANITIZE_TSAN_FILTER)'
