#!/usr/bin/env bash
# The best ensemble of docs/ensembles.md, from scratch: five transformers (seeds 42, 7, 8, 1, 2),
# WaveNet and the GRU, each at its own defaults on the seed-42 split of names.txt, then their
# mixture with weights fitted by EM on the val split, evaluated on every split.
#
#   docs/ensemble-best.sh [DIR] [eval options…]     e.g. docs/ensemble-best.sh /tmp/ens --json
#
# DIR (default /tmp/makemore-ensemble) keeps the split and the checkpoints; a member whose
# checkpoint is already there is not trained again. The members' training time (their own
# train_seconds, summed) is printed on stderr; about 9.5 minutes on a quiet 2-core machine.
# The transformers and the GRU train with --threads 2 (their numbers depend on the thread
# count), so the result is the same on any machine. With MAKEMORE_BIN=BINARY the script uses
# that binary and the current directory (which must hold names.txt) instead of building the
# package's release binary and working in the package (the docs check does this).
set -euo pipefail
if [ -z "${MAKEMORE_BIN:-}" ]; then
    cd "$(dirname "$0")/.."
    swift build -c release --product makemore >&2
fi
bin="${MAKEMORE_BIN:-.build/release/makemore}"
out="${1:-/tmp/makemore-ensemble}"
[ $# -gt 0 ] && shift
mkdir -p "$out"
[ -f "$out/split/train.txt" ] || "$bin" split --out "$out/split" >&2
loads=()
seconds=0
member() { # NAME STAGE SEED [OPTION…]
    if [ ! -f "$out/$1.safetensors" ]; then
        echo "training $1…" >&2
        "$bin" "$2" --split-dir "$out/split" --seed "$3" "${@:4}" --save "$out/$1.safetensors" --samples 0 --quiet --json > "$out/$1.json"
    fi
    loads+=(--load "$out/$1.safetensors")
    if [ -f "$out/$1.json" ]; then
        seconds=$(awk -v s="$seconds" -v t="$(grep -o '"train_seconds":[0-9.e+-]*' "$out/$1.json" | cut -d: -f2)" 'BEGIN { print s + t }')
    fi
}
for seed in 42 7 8 1 2; do member "transformer-$seed" transformer "$seed" --threads 2; done
member wavenet-42 wavenet 42
member gru-42 gru 42 --threads 2
echo "members' training time: $seconds s" >&2
"$bin" eval "${loads[@]}" "$@"
