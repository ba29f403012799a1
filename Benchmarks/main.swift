import MakemoreKit

print("benchmarks")
