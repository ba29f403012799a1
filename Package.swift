// swift-tools-version: 6.0
import PackageDescription

/// Release builds compile for this machine's CPU so that `SIMD16<Float>` maps onto real vector
/// registers (AVX-512 on the project's machines); on the default x86-64 target the same code is
/// ~150x slower (see docs/speed.md). Debug builds stay portable.
let nativeCPU: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)),
]

/// The kernel layer (raw-pointer loops, SIMD, threads) is compiled optimised, for this CPU, in
/// every configuration: unoptimised, its loops ran the README's example ~290x slower than release,
/// so a library user building with plain `swift build` waited minutes. Its code is small and
/// rarely edited, so optimising it costs a debug build little; the rest stays `-Onone` and
/// debuggable.
let optimisedKernels: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)),
    .unsafeFlags(["-O", "-whole-module-optimization", "-num-threads", "1", "-target-cpu", "native"], .when(configuration: .debug)),
]

let package = Package(
    name: "makemore",
    products: [
        .library(name: "MakemoreKit", targets: ["MakemoreKit"]),
        .executable(name: "makemore", targets: ["makemore"]),
        .executable(name: "makemore-bench", targets: ["MakemoreBenchmarks"]),
    ],
    targets: [
        .target(name: "MakemoreKernels", swiftSettings: optimisedKernels),
        .target(name: "MakemoreKit", dependencies: ["MakemoreKernels"], swiftSettings: nativeCPU),
        // The command line's generic layer (options, their parsing, help, choosing the
        // subcommand), which knows nothing of language models; makemore's commands sit above it.
        .target(name: "CommandLineOptions"),
        .executableTarget(name: "makemore", dependencies: ["MakemoreKit", "CommandLineOptions"], swiftSettings: nativeCPU),
        .executableTarget(
            name: "MakemoreBenchmarks", dependencies: ["MakemoreKit", "MakemoreKernels"], path: "Benchmarks",
            // The PyTorch yardsticks: optional scripts, not part of the build.
            exclude: ["pytorch_transformer.py", "pytorch_mlp.py"], swiftSettings: nativeCPU),
        .testTarget(
            name: "MakemoreKitTests", dependencies: ["MakemoreKit", "MakemoreKernels", "makemore", "CommandLineOptions"],
            // makemore.py's golden outputs, read through #filePath so a clean clone is self-contained.
            exclude: ["Fixtures"]),
        .testTarget(name: "CommandLineOptionsTests", dependencies: ["CommandLineOptions"]),
    ]
)
