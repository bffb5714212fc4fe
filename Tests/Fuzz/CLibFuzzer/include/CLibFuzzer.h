#ifndef LIME_CLIBFUZZER_H
#define LIME_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (linked by -sanitize=fuzzer): parses libFuzzer's command line and
/// runs `callback` on every input. The fuzz targets call it from their own `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
