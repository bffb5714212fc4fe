/// A small C interface over SentencePiece's C++ API (libsentencepiece 0.1.x).
/// All functions are prefixed `lime_spm_`. Strings are UTF-8, not NUL-terminated
/// unless stated. Errors are returned as a malloc'ed message the caller frees
/// with `lime_spm_free`.
#ifndef LIME_CSENTENCEPIECE_H
#define LIME_CSENTENCEPIECE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lime_spm_processor lime_spm_processor;

/// Loads a model file. Returns NULL and sets *error on failure.
lime_spm_processor *lime_spm_load(const char *path, char **error);
/// Loads a model from its serialized bytes.
lime_spm_processor *lime_spm_load_bytes(const char *bytes, size_t length, char **error);
void lime_spm_destroy(lime_spm_processor *processor);

/// Number of pieces in the vocabulary.
int32_t lime_spm_vocab_size(const lime_spm_processor *processor);
/// The piece string of `id` (NUL-terminated, owned by the processor).
const char *lime_spm_id_to_piece(const lime_spm_processor *processor, int32_t id);
/// Piece kind: 0 normal, 1 unknown, 2 control, 3 user defined, 4 byte, 5 unused.
int32_t lime_spm_piece_kind(const lime_spm_processor *processor, int32_t id);

/// Encodes `text` into piece ids. Writes at most `capacity` ids to `ids` and returns
/// the number of ids the encoding has (which may exceed `capacity`: call again with
/// more room). Returns -1 on error.
int64_t lime_spm_encode(const lime_spm_processor *processor, const char *text, size_t length,
                        int32_t *ids, size_t capacity);

/// Encodes `text` and reports, for each piece, the byte span [begin, end) of the input
/// it covers. Same capacity contract as `lime_spm_encode`.
int64_t lime_spm_encode_spans(const lime_spm_processor *processor, const char *text, size_t length,
                              int32_t *ids, uint32_t *begins, uint32_t *ends, size_t capacity);

/// Decodes ids into text. Returns a malloc'ed buffer (free with lime_spm_free) and its
/// length in *length; NULL on error.
char *lime_spm_decode(const lime_spm_processor *processor, const int32_t *ids, size_t count,
                      size_t *length);

/// Trains a model with SentencePiece's trainer from a flag string such as
/// "--vocab_size=8000 --model_type=unigram" on the lines of `sentences_path` (one
/// sentence per line) and returns the serialized model in a malloc'ed buffer (*model,
/// *model_length; free with lime_spm_free). No file path enters the model, so its bytes
/// depend only on the sentences and the flags. Returns 0 on success, else non-zero with
/// *error set.
int32_t lime_spm_train_lines(const char *arguments, const char *sentences_path, char **model,
                             size_t *model_length, char **error);

/// Seeds SentencePiece's random generator (training reproducibility).
void lime_spm_set_random_seed(uint32_t seed);

void lime_spm_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
