import LimeFuzzSupport
import LimeSupport
import LimeText

/// The tagger model file. The first byte picks the case: even, the rest is a model file as
/// it is; odd, the rest is a payload the harness wraps in a valid header and zstd frame, so
/// that mutations reach the weight tables and entity networks behind the frame checksum.
/// A model that loads must tag a sentence.
func fuzzTaggerModel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    guard let mode = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    let file = mode & 1 == 0 ? body : wrap(body)
    let name = "fuzz/tagger.lmtag"
    guard let model = Fuzz.expectNamedError(name, { try TaggerModel.load(bytes: file, name: name) }) else { return 0 }
    let annotator = NativeAnnotator(model: model, modelSHA256: "fuzz")
    let tokens = annotator.annotate(.text("Mr. Smith flew to Paris on 3 May 2021, didn't he?"))
    Fuzz.check(!tokens.isEmpty, "a loaded model tagged nothing")
    return 0
}

/// A model file around `payload`: magic, versions, size, one zstd frame.
private func wrap(_ payload: [UInt8]) -> [UInt8] {
    var out = ByteWriter()
    out.write(bytes: Array("LIMETAGR".utf8))
    out.write(TaggerModel.formatVersion)
    out.write(TaggerModel.featureVersion)
    out.write(UInt64(payload.count))
    out.write(bytes: (try? Zstd.compress(payload, level: 1)) ?? [])
    return out.bytes
}

// Last, after the globals above are initialized: libFuzzer runs `fuzzTaggerModel` on every input.
Fuzz.main { fuzzTaggerModel($0, $1) }
