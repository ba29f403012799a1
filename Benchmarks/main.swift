import MakemoreKit

print("benchmarks")
runAutogradBenchmarks()
