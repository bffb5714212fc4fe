// swift-tools-version:6.0
import PackageDescription
import Foundation

// Release builds must reach the vector units (FMA, AVX2) without calls to `fmaf`.
// Default: portable x86-64-v3. `LIME_NATIVE=1` tunes for the build machine.
// Other architectures get the compiler's defaults.
let environment = ProcessInfo.processInfo.environment
var cpuFlags: [String] = []
#if arch(x86_64)
cpuFlags = environment["LIME_NATIVE"] == "1"
    ? ["-Xcc", "-march=native"]
    : ["-Xcc", "-march=x86-64-v3"]
#endif

// Checked arithmetic and bounds everywhere except the numeric kernels, where the
// benchmarks show `-Ounchecked` matters (matmul, tagger, transformer): see README,
// "Benchmarks". SQLite, provenance, pipeline and CLI code keep every check.
let swiftSettings: [SwiftSetting] = [
    .unsafeFlags(cpuFlags),
    .unsafeFlags(["-wmo"], .when(configuration: .release)),
]
// Fuzz builds (`LIME_FUZZ=1`, Pipelines/make/fuzz.mk) keep every check in the kernels too:
// an overflow or out-of-bounds index on bad bytes must trap where the fuzzer can see it.
let fuzzing = environment["LIME_FUZZ"] == "1"
let kernelSettings: [SwiftSetting] = fuzzing ? swiftSettings : [
    .unsafeFlags(cpuFlags),
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "lime",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lime", targets: ["lime"]),
        .library(name: "LimeData", targets: ["LimeData"]),
        .library(name: "LimeText", targets: ["LimeText"]),
        .library(name: "LimeSupport", targets: ["LimeSupport"]),
        .library(name: "LimeCompute", targets: ["LimeCompute"]),
        .library(name: "LimeTransformer", targets: ["LimeTransformer"]),
        .library(name: "LimeTraining", targets: ["LimeTraining"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // System libraries and C shims.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(
            name: "CSentencePiece",
            cxxSettings: [.unsafeFlags(["-std=c++17"])],
            linkerSettings: [
                .linkedLibrary("sentencepiece"),
                .linkedLibrary("sentencepiece_train"),
                .linkedLibrary("stdc++"),
            ]
        ),

        // Shared support: zstd, SHA-256, atomic files, little-endian binary I/O.
        .target(
            name: "LimeSupport",
            dependencies: ["CZstd", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),

        // Compute: matmul and its micro-kernel, thread pool, fast math, random generators,
        // timing. Under both the tagger and the transformer.
        .target(name: "LimeCompute", swiftSettings: kernelSettings),

        // Text: pre-tokenizer, tag sets, annotations, the native tagger.
        // A prefetch hint for the tagger's weight lookups (Swift has no prefetch intrinsic).
        .target(name: "CPrefetch"),
        .target(name: "LimeText", dependencies: ["LimeSupport", "LimeCompute", "CPrefetch"], resources: [.copy("Resources")], swiftSettings: kernelSettings),

        // Data pipeline: input, annotation backends, subword alignment, shards, provenance.
        .target(
            name: "LimeData",
            dependencies: [
                "LimeSupport", "LimeText", "CZstd", "CSentencePiece",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),

        // The transformer: layer kernels, model (forward, backward), AdamW, benchmarks.
        .target(name: "LimeTransformer", dependencies: ["LimeCompute"], swiftSettings: kernelSettings),

        // LIME training on shards: data loader, variants, checkpoints, evaluation, generation.
        .target(name: "LimeTraining", dependencies: ["LimeSupport", "LimeCompute", "LimeText", "LimeData", "LimeTransformer", .product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),

        // The command-line tool: thin over the libraries.
        .executableTarget(
            name: "lime",
            dependencies: [
                "LimeSupport", "LimeCompute", "LimeData", "LimeText", "LimeTransformer", "LimeTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Helpers shared by the test targets (temporary directories, the lime binary, fixtures).
        .target(name: "LimeTestSupport", dependencies: ["LimeData"], path: "Tests/LimeTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "LimeTextTests", dependencies: ["LimeCompute", "LimeSupport", "LimeText"], swiftSettings: swiftSettings),
        .testTarget(name: "LimeDataTests", dependencies: ["LimeSupport", "LimeText", "LimeData", "LimeTestSupport"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "LimeTransformerTests", dependencies: ["LimeCompute", "LimeTransformer"], swiftSettings: swiftSettings),
        .testTarget(name: "LimeTrainingTests", dependencies: ["LimeCompute", "LimeSupport", "LimeData", "LimeText", "LimeTransformer", "LimeTraining", "LimeTestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v5]
)

// libFuzzer targets (Tests/Fuzz/Targets, one reader each), only in fuzz builds. Pipelines/make/
// fuzz.mk instruments every module (`-sanitize=address -sanitize-coverage=...`) and names
// libFuzzer's archive without its `main` (LIME_FUZZER_LIB): SwiftPM gives each executable a
// `main` of its own (`-sanitize=fuzzer` would link a second), which runs libFuzzer's driver.
if fuzzing {
    let fuzzerLibrary = environment["LIME_FUZZER_LIB"] ?? "libclang_rt.fuzzer_no_main-x86_64.a"
    let fuzzTargets: [(product: String, target: String, dependencies: [Target.Dependency])] = [
        ("fuzz-input", "FuzzInput", ["LimeData", "LimeSupport"]),
        ("fuzz-shard", "FuzzShard", ["LimeData", "LimeSupport"]),
        ("fuzz-manifest", "FuzzManifest", ["LimeData"]),
        ("fuzz-tagger-model", "FuzzTaggerModel", ["LimeText", "LimeSupport"]),
        ("fuzz-checkpoint", "FuzzCheckpoint", ["LimeTraining", "LimeSupport"]),
        ("fuzz-tokenizer", "FuzzTokenizer", ["LimeData"]),
    ]
    package.targets.append(.target(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"))
    package.targets.append(.target(name: "LimeFuzzSupport", dependencies: ["CLibFuzzer"], path: "Tests/Fuzz/Support", swiftSettings: swiftSettings))
    for fuzz in fuzzTargets {
        package.targets.append(.executableTarget(
            name: fuzz.target, dependencies: fuzz.dependencies + ["LimeFuzzSupport"],
            path: "Tests/Fuzz/Targets/\(fuzz.target)", swiftSettings: swiftSettings,
            linkerSettings: [.unsafeFlags(["-Xlinker", fuzzerLibrary]), .linkedLibrary("stdc++")]))
        package.products.append(.executable(name: fuzz.product, targets: [fuzz.target]))
    }
}
