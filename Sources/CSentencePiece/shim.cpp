// extern "C" shim over SentencePiece's C++ API.
#include "CSentencePiece.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

struct lime_spm_processor {
    sentencepiece::SentencePieceProcessor processor;
};

static char *lime_copy_string(const std::string &text) {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (copy == nullptr) return nullptr;
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

static void lime_set_error(char **error, const std::string &message) {
    if (error != nullptr) *error = lime_copy_string(message);
}

extern "C" lime_spm_processor *lime_spm_load(const char *path, char **error) {
    auto *wrapper = new lime_spm_processor();
    const auto status = wrapper->processor.Load(path);
    if (!status.ok()) {
        lime_set_error(error, status.ToString());
        delete wrapper;
        return nullptr;
    }
    return wrapper;
}

extern "C" lime_spm_processor *lime_spm_load_bytes(const char *bytes, size_t length, char **error) {
    auto *wrapper = new lime_spm_processor();
    const auto status = wrapper->processor.LoadFromSerializedProto(absl::string_view(bytes, length));
    if (!status.ok()) {
        lime_set_error(error, status.ToString());
        delete wrapper;
        return nullptr;
    }
    return wrapper;
}

extern "C" void lime_spm_destroy(lime_spm_processor *processor) { delete processor; }

extern "C" int32_t lime_spm_vocab_size(const lime_spm_processor *processor) {
    return processor->processor.GetPieceSize();
}

extern "C" const char *lime_spm_id_to_piece(const lime_spm_processor *processor, int32_t id) {
    return processor->processor.IdToPiece(id).c_str();
}

extern "C" int32_t lime_spm_piece_kind(const lime_spm_processor *processor, int32_t id) {
    const auto &p = processor->processor;
    if (p.IsUnknown(id)) return 1;
    if (p.IsControl(id)) return 2;
    if (p.IsByte(id)) return 4;
    if (p.IsUnused(id)) return 5;
    return 0;
}

extern "C" int64_t lime_spm_encode(const lime_spm_processor *processor, const char *text, size_t length,
                                   int32_t *ids, size_t capacity) {
    std::vector<int> out;
    const auto status = processor->processor.Encode(absl::string_view(text, length), &out);
    if (!status.ok()) return -1;
    const size_t n = out.size() < capacity ? out.size() : capacity;
    for (size_t i = 0; i < n; ++i) ids[i] = out[i];
    return static_cast<int64_t>(out.size());
}

extern "C" int64_t lime_spm_encode_spans(const lime_spm_processor *processor, const char *text, size_t length,
                                         int32_t *ids, uint32_t *begins, uint32_t *ends, size_t capacity) {
    const auto proto = processor->processor.EncodeAsImmutableProto(absl::string_view(text, length));
    const size_t total = proto.pieces_size();
    const size_t n = total < capacity ? total : capacity;
    for (size_t i = 0; i < n; ++i) {
        const auto piece = proto.pieces(static_cast<int>(i));
        ids[i] = static_cast<int32_t>(piece.id());
        begins[i] = piece.begin();
        ends[i] = piece.end();
    }
    return static_cast<int64_t>(total);
}

extern "C" char *lime_spm_decode(const lime_spm_processor *processor, const int32_t *ids, size_t count,
                                 size_t *length) {
    std::vector<int> input(ids, ids + count);
    std::string text;
    const auto status = processor->processor.Decode(input, &text);
    if (!status.ok()) return nullptr;
    if (length != nullptr) *length = text.size();
    return lime_copy_string(text);
}

// Sentences of a text file, one per line (newline removed), for the trainer.
class LineIterator : public sentencepiece::SentenceIterator {
  public:
    explicit LineIterator(const char *path) : file_(std::fopen(path, "rb")) {
        if (file_ == nullptr) {
            status_ = sentencepiece::util::Status(sentencepiece::util::StatusCode::kNotFound,
                                                  std::string(path) + ": cannot open");
            done_ = true;
        } else {
            Next();
        }
    }
    ~LineIterator() override {
        if (file_ != nullptr) std::fclose(file_);
    }
    bool done() const override { return done_; }
    void Next() override {
        line_.clear();
        int c;
        bool any = false;
        while ((c = std::fgetc(file_)) != EOF) {
            any = true;
            if (c == '\n') break;
            line_.push_back(static_cast<char>(c));
        }
        if (!any) done_ = true;
    }
    const std::string &value() const override { return line_; }
    sentencepiece::util::Status status() const override { return status_; }

  private:
    std::FILE *file_;
    std::string line_;
    bool done_ = false;
    sentencepiece::util::Status status_;
};

extern "C" int32_t lime_spm_train_lines(const char *arguments, const char *sentences_path, char **model,
                                        size_t *model_length, char **error) {
    LineIterator lines(sentences_path);
    std::string serialized;
    auto status = sentencepiece::SentencePieceTrainer::Train(arguments, &lines, &serialized);
    if (status.ok() && !lines.status().ok()) status = lines.status();
    if (!status.ok()) {
        lime_set_error(error, status.ToString());
        return 1;
    }
    *model = static_cast<char *>(std::malloc(serialized.size()));
    if (*model == nullptr && !serialized.empty()) {
        lime_set_error(error, "out of memory");
        return 1;
    }
    std::memcpy(*model, serialized.data(), serialized.size());
    *model_length = serialized.size();
    return 0;
}

extern "C" void lime_spm_set_random_seed(uint32_t seed) { sentencepiece::SetRandomGeneratorSeed(seed); }

extern "C" void lime_spm_free(void *pointer) { std::free(pointer); }
