#!/usr/bin/env python3
"""ms per training step of lecture 3's MLP (makemore part 3: context 3, embedding 10, one hidden
layer of 200 with BatchNorm and tanh) in PyTorch eager, for comparison with makemore-bench's
"mlp (--preset lecture …)" training row and `makemore mlp --preset lecture`.

Optional: needs PyTorch (any 2.x CPU build); never used by the Swift build or tests.

The model is the lecture's, written with torch.nn as its "PyTorch-ified" version does:
Embedding(27, 10) -> flatten -> Linear(30, 200, bias=False) -> BatchNorm1d(200) -> Tanh ->
Linear(200, 27); the step is the lecture's: a batch of 32 windows drawn at random, forward,
cross_entropy, zero_grad(set_to_none=True), backward, SGD lr 0.1. Only the timing harness is
ours: a few warm-up steps, then rounds of steps, the median round's ms/step.

    python3 Benchmarks/pytorch_mlp.py [--threads 2] [--rounds 5] [--seconds 2]
"""
import argparse
import os
import random
import statistics
import sys
import time

import torch
import torch.nn as nn
from torch.nn import functional as F


def windows(words, block_size=3):
    chars = sorted(set(''.join(words)))
    stoi = {c: i + 1 for i, c in enumerate(chars)}
    xs, ys = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + '.':
            ix = stoi.get(ch, 0)
            xs.append(context)
            ys.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(xs), torch.tensor(ys), len(chars) + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--input', default=os.path.join(os.path.dirname(__file__), '..', 'names.txt'))
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--seconds', type=float, default=2.0, help='about how long each round runs')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    words = [w.strip() for w in open(args.input) if w.strip()]
    random.Random(42).shuffle(words)
    xs, ys, vocab = windows(words[:int(0.8 * len(words))])
    model = nn.Sequential(nn.Embedding(vocab, 10), nn.Flatten(), nn.Linear(30, 200, bias=False),
                          nn.BatchNorm1d(200), nn.Tanh(), nn.Linear(200, vocab))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        ix = torch.randint(0, xs.shape[0], (32,))
        loss = F.cross_entropy(model(xs[ix]), ys[ix])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    for _ in range(20):
        step()
    start = time.perf_counter()
    for _ in range(100):
        step()
    probe = (time.perf_counter() - start) / 100
    steps = max(10, int(args.seconds / probe))
    per_step = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        per_step.append((time.perf_counter() - start) / steps * 1000)
    params = sum(p.numel() for p in model.parameters())
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, lecture MLP, {params} params")
    print(f"{'model':<16} {'ms/step':>9} {'min':>9} {'max':>9}")
    print(f"{'lecture mlp':<16} {statistics.median(per_step):>9.4f} {min(per_step):>9.4f} {max(per_step):>9.4f}", flush=True)


if __name__ == '__main__':
    sys.exit(main())
