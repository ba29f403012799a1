#!/usr/bin/env python3
"""ms per training step of makemore.py's Transformer in PyTorch eager, at the sizes of
makemore-bench's scaling rows, for comparison with `makemore-bench --only scaling`.

Optional: needs PyTorch (any 2.x CPU build); never used by the Swift build or tests.

The model code below is a faithful copy of makemore.py's (karpathy/makemore at commit 988aa59:
NewGELU with the tanh approximation, CausalSelfAttention with one packed c_attn Linear and a
-inf causal mask, pre-LayerNorm Block, lm_head without bias), and so is its training step:
AdamW lr 5e-4, betas (0.9, 0.99), weight decay 0.01, eps 1e-8; batches of words drawn with
replacement from the training split, padded to block_size with targets -1 past each word's end;
cross_entropy with ignore_index=-1; zero_grad(set_to_none=True), backward, step. Only the
timing harness is new: a few warm-up steps, then rounds of steps, the median round's ms/step.

    python3 Benchmarks/pytorch_transformer.py [--threads 2] [--sizes 4x64x32,4x128x32,6x256x32,8x384x64]
"""
import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F

# ---------------------------------------------------------------------------------------------
# makemore.py @ 988aa59: ModelConfig, NewGELU, CausalSelfAttention, Block, Transformer


@dataclass
class ModelConfig:
    block_size: int = None  # length of the input sequences of integers
    vocab_size: int = None  # the input integers are in range [0 .. vocab_size -1]
    # parameters below control the sizes of each model slightly differently
    n_layer: int = 4
    n_embd: int = 64
    n_embd2: int = 64
    n_head: int = 4


class NewGELU(nn.Module):
    """
    Implementation of the GELU activation function currently in Google BERT repo (identical to OpenAI GPT).
    Reference: Gaussian Error Linear Units (GELU) paper: https://arxiv.org/abs/1606.08415
    """
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class CausalSelfAttention(nn.Module):
    """
    A vanilla multi-head masked self-attention layer with a projection at the end.
    It is possible to use torch.nn.MultiheadAttention here but I am including an
    explicit implementation here to show that there is nothing too scary here.
    """

    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        # key, query, value projections for all heads, but in a batch
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        # output projection
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        # causal mask to ensure that attention is only applied to the left in the input sequence
        self.register_buffer("bias", torch.tril(torch.ones(config.block_size, config.block_size))
                                     .view(1, 1, config.block_size, config.block_size))
        self.n_head = config.n_head
        self.n_embd = config.n_embd

    def forward(self, x):
        B, T, C = x.size()  # batch size, sequence length, embedding dimensionality (n_embd)

        # calculate query, key, values for all heads in batch and move head forward to be the batch dim
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)

        # causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
        att = F.softmax(att, dim=-1)
        y = att @ v  # (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # re-assemble all head outputs side by side

        # output projection
        y = self.c_proj(y)
        return y


class Block(nn.Module):
    """ an unassuming Transformer block """

    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = nn.ModuleDict(dict(
            c_fc=nn.Linear(config.n_embd, 4 * config.n_embd),
            c_proj=nn.Linear(4 * config.n_embd, config.n_embd),
            act=NewGELU(),
        ))
        m = self.mlp
        self.mlpf = lambda x: m.c_proj(m.act(m.c_fc(x)))  # MLP forward

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlpf(self.ln_2(x))
        return x


class Transformer(nn.Module):
    """ Transformer Language Model, exactly as seen in GPT-2 """

    def __init__(self, config):
        super().__init__()
        self.block_size = config.block_size

        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        device = idx.device
        b, t = idx.size()
        assert t <= self.block_size, f"Cannot forward sequence of length {t}, block size is only {self.block_size}"
        pos = torch.arange(0, t, dtype=torch.long, device=device).unsqueeze(0)  # shape (1, t)

        # forward the GPT model itself
        tok_emb = self.transformer.wte(idx)  # token embeddings of shape (b, t, n_embd)
        pos_emb = self.transformer.wpe(pos)  # position embeddings of shape (1, t, n_embd)
        x = tok_emb + pos_emb
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        logits = self.lm_head(x)

        # if we are given some desired targets also calculate the loss
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

        return logits, loss

# ---------------------------------------------------------------------------------------------
# makemore.py's data: CharDataset's encoding and create_datasets' split (test set min(1000, 10 %))


def load_words(path):
    with open(path, 'r') as f:
        data = f.read()
    words = [w.strip() for w in data.splitlines()]
    return [w for w in words if w]


def encoded_training_set(words, seed):
    chars = sorted(list(set(''.join(words))))
    stoi = {ch: i + 1 for i, ch in enumerate(chars)}
    max_word_length = max(len(w) for w in words)
    block_size = max_word_length + 1
    test_set_size = min(1000, int(len(words) * 0.1))
    generator = torch.Generator().manual_seed(seed)
    rp = torch.randperm(len(words), generator=generator).tolist()
    train_words = [words[i] for i in rp[:-test_set_size]]
    # CharDataset.__getitem__ for every word: x = [0, word...], y = [word..., 0, -1, -1, ...]
    xs = torch.zeros(len(train_words), block_size, dtype=torch.long)
    ys = torch.zeros(len(train_words), block_size, dtype=torch.long)
    for n, w in enumerate(train_words):
        ix = torch.tensor([stoi[ch] for ch in w], dtype=torch.long)
        xs[n, 1:1 + len(ix)] = ix
        ys[n, :len(ix)] = ix
        ys[n, len(ix) + 1:] = -1
    return xs, ys, len(chars) + 1, block_size

# ---------------------------------------------------------------------------------------------
# Timing


def time_size(layers, embd, batch, xs, ys, vocab_size, block_size, rounds, steps_per_round, heads):
    torch.manual_seed(3407)
    config = ModelConfig(vocab_size=vocab_size, block_size=block_size, n_layer=layers, n_head=heads, n_embd=embd, n_embd2=embd)
    model = Transformer(config)
    params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01, betas=(0.9, 0.99), eps=1e-8)

    def step():
        ix = torch.randint(0, len(xs), (batch,))  # RandomSampler(replacement=True)
        X, Y = xs[ix], ys[ix]
        logits, loss = model(X, Y)
        model.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    per_step = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(steps_per_round):
            step()
        per_step.append((time.perf_counter() - start) / steps_per_round * 1000)
    return params, statistics.median(per_step), min(per_step), max(per_step)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--input', default=os.path.join(os.path.dirname(__file__), '..', 'names.txt'))
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--sizes', default='4x64x32,4x128x32,6x256x32,8x384x64',
                        help='comma-separated LAYERSxCHANNELSxBATCH')
    parser.add_argument('--heads', type=int, default=4, help="makemore.py's --n-head (default 4)")
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--seconds', type=float, default=2.0, help='about how long each round runs')
    parser.add_argument('--json', help='also write the rows as JSON to this file')
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    xs, ys, vocab_size, block_size = encoded_training_set(load_words(args.input), seed=3407)
    rows = []
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, block {block_size}, vocab {vocab_size}")
    print(f"{'size':<16} {'params':>10} {'ms/step':>9} {'min':>9} {'max':>9}")
    for spec in args.sizes.split(','):
        layers, embd, batch = (int(v) for v in spec.lower().split('x'))
        # size a round from one probe step
        params, probe, _, _ = time_size(layers, embd, batch, xs, ys, vocab_size, block_size, 1, 2, args.heads)
        steps = max(2, int(args.seconds * 1000 / probe))
        params, median, low, high = time_size(layers, embd, batch, xs, ys, vocab_size, block_size, args.rounds, steps, args.heads)
        name = f"{layers}x{embd}, b{batch}"
        print(f"{name:<16} {params:>10} {median:>9.2f} {low:>9.2f} {high:>9.2f}", flush=True)
        rows.append(dict(layers=layers, embedding=embd, batch=batch, heads=args.heads, parameters=params,
                         ms_per_step=median, ms_min=low, ms_max=high, threads=args.threads, torch=torch.__version__))
    if args.json:
        with open(args.json + '.tmp', 'w') as f:
            json.dump(rows, f, indent=1)
        os.replace(args.json + '.tmp', args.json)


if __name__ == '__main__':
    sys.exit(main())
