"""The LSTM golden fixture: makemore.py's recurrent language model with PyTorch's nn.LSTMCell as
its cell, as Sources/MakemoreKit/Models/LSTM.swift builds it (a learned start h, c starting at
zero; wte; the cell run once per token; lm_head on every hidden state), and one batch of the
makemore-py fixtures' words through it, forward and backward.

Writes, beside this script, in the layout of ../makemore-py/TYPE (see that README):
  model.safetensors  the state dict (start, wte.weight, cell.weight_ih, cell.weight_hh,
                     cell.bias_ih, cell.bias_hh, lm_head.weight, lm_head.bias), no metadata:
                     a bare state dict, as an exporter writes it
  grads.safetensors  the gradient of the loss with respect to every parameter, same keys
  expected.json      config, vocabulary, words, X, Y, loss, logits (6 x 16 x 27 flattened), parameters

Run: python make_fixture.py (PyTorch only; safetensors is written by hand below).
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F


class LSTM(nn.Module):
    """makemore.py's RNN class with cell = nn.LSTMCell(n_embd, n_embd2)."""

    def __init__(self, vocab_size, block_size, n_embd, n_embd2):
        super().__init__()
        self.block_size = block_size
        self.start = nn.Parameter(torch.zeros(1, n_embd2))  # the starting hidden state
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.cell = nn.LSTMCell(n_embd, n_embd2)
        self.lm_head = nn.Linear(n_embd2, vocab_size)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        emb = self.wte(idx)  # (b, t, n_embd)
        hprev = self.start.expand((b, -1))
        cprev = torch.zeros_like(hprev)  # c starts at zero, as nn.LSTMCell without a state
        hiddens = []
        for i in range(t):
            hprev, cprev = self.cell(emb[:, i, :], (hprev, cprev))  # (b, n_embd2) each
            hiddens.append(hprev)
        hidden = torch.stack(hiddens, 1)  # (b, t, n_embd2)
        logits = self.lm_head(hidden)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss


def write_safetensors(path, tensors):
    """tensors: ordered (name, float32 tensor) pairs -> a safetensors file (8-byte header length,
    JSON header, little-endian data)."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors:
        data = tensor.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    vocabulary = "abcdefghijklmnopqrstuvwxyz"
    words = ["emma", "olivia", "ava", "isabella", "sophia", "charlotte"]
    config = {"vocab_size": 27, "block_size": 16, "n_embd": 16, "n_embd2": 24}
    torch.manual_seed(1337)
    model = LSTM(config["vocab_size"], config["block_size"], config["n_embd"], config["n_embd2"])
    with torch.no_grad():  # makemore.py starts `start` at zeros; drawn here so its path is checked too
        model.start.normal_(0, 0.5)

    # makemore.py's CharDataset encoding: x = <0> word, y = word <0>, then -1 (no loss).
    t = config["block_size"]
    X = torch.zeros(len(words), t, dtype=torch.long)
    Y = torch.full((len(words), t), -1, dtype=torch.long)
    for row, word in enumerate(words):
        ix = [vocabulary.index(ch) + 1 for ch in word]
        X[row, 1:1 + len(ix)] = torch.tensor(ix)
        Y[row, :len(ix)] = torch.tensor(ix)
        Y[row, len(ix)] = 0

    logits, loss = model(X, Y)
    loss.backward()

    state = list(model.state_dict().items())
    write_safetensors(os.path.join(here, "model.safetensors"), state)
    write_safetensors(os.path.join(here, "grads.safetensors"), [(name, p.grad) for name, p in model.named_parameters()])
    expected = {
        "model_type": "lstm", "torch": torch.__version__, "seed": 1337,
        "config": config, "vocabulary": vocabulary, "words": words,
        "X": X.tolist(), "Y": Y.tolist(), "loss": loss.item(),
        "logits_shape": list(logits.shape), "logits": logits.detach().flatten().tolist(),
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    with open(os.path.join(here, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    print(f"loss {loss.item():.6f}, {expected['parameters']} parameters, keys {[name for name, _ in state]}")


if __name__ == "__main__":
    main()
