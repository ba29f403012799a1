import MakemoreKit

print("makemore")
