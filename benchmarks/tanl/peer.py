#!/usr/bin/env python3
"""The PyTorch peer of benchmarks/tanl/run: the same transformer as Modelkit's TANL net (pre-norm encoder-decoder,
d 64, 2 + 2 layers, 4 heads, feed-forward 256, learnt token and position embeddings, no dropout), the same toy NER
data and ids (written by TanlPeer), Adam 1e-3, batch 64, 400 steps, greedy decoding with the full prefix each step.
usage: peer.py DIR THREADS  -> DIR/torch.json and DIR/torch-outputs.txt"""
import json
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

d_dir, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(7)
words = open(f"{d_dir}/vocab.txt").read().split("\n")[:-1]
train = [json.loads(l) for l in open(f"{d_dir}/train-ids.jsonl")]
test = [json.loads(l) for l in open(f"{d_dir}/test-ids.jsonl")]
V, PAD, EOS = len(words), 0, 1
MAX_S, MAX_T = 16, 40


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        d = 64
        self.tok = nn.Embedding(V, d)
        self.pos = nn.Embedding(max(MAX_S, MAX_T) + 1, d)
        enc = nn.TransformerEncoderLayer(d, 4, 256, dropout=0.0, batch_first=True, norm_first=True)
        dec = nn.TransformerDecoderLayer(d, 4, 256, dropout=0.0, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(enc, 2, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.dec = nn.TransformerDecoder(dec, 2, norm=nn.LayerNorm(d))
        self.out = nn.Linear(d, V)

    def embed(self, ids):
        return self.tok(ids) + self.pos(torch.arange(ids.shape[1]))[None]

    def encode(self, src, src_pad):
        return self.enc(self.embed(src), src_key_padding_mask=src_pad)

    def hidden(self, memory, src_pad, tgt, tgt_pad):
        t = tgt.shape[1]
        causal = torch.triu(torch.full((t, t), float("-inf")), 1)
        return self.dec(self.embed(tgt), memory, tgt_mask=causal, tgt_key_padding_mask=tgt_pad,
                        memory_key_padding_mask=src_pad)


def batch(rows):
    s = max(len(r["src"]) for r in rows)
    t = max(len(r["tgt"]) for r in rows)
    src = torch.zeros(len(rows), s, dtype=torch.long)
    tin = torch.zeros(len(rows), t, dtype=torch.long)
    tout = torch.full((len(rows), t), -100, dtype=torch.long)
    src_pad = torch.ones(len(rows), s, dtype=torch.bool)
    tgt_pad = torch.ones(len(rows), t, dtype=torch.bool)
    for i, r in enumerate(rows):
        src[i, :len(r["src"])] = torch.tensor(r["src"])
        src_pad[i, :len(r["src"])] = False
        y = r["tgt"]
        tin[i, 1:len(y)] = torch.tensor(y[:-1])
        tout[i, :len(y)] = torch.tensor(y)
        tgt_pad[i, :len(y)] = False
    return src, src_pad, tin, tgt_pad, tout


model = Seq2Seq()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
rng = np.random.default_rng(3)
order, nxt = np.arange(len(train)), len(train)
times, losses = [], []
for step in range(400):
    if nxt + 64 > len(train):
        rng.shuffle(order)
        nxt = 0
    rows = [train[i] for i in order[nxt:nxt + 64]]
    nxt += 64
    t0 = time.perf_counter()
    src, src_pad, tin, tgt_pad, tout = batch(rows)
    logits = model.out(model.hidden(model.encode(src, src_pad), src_pad, tin, tgt_pad))
    loss = loss_fn(logits.reshape(-1, V), tout.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    times.append((time.perf_counter() - t0) * 1000)
    losses.append(loss.item())


@torch.no_grad()
def greedy(rows):
    model.eval()
    src, src_pad, _, _, _ = batch([{"src": r["src"], "tgt": [EOS]} for r in rows])
    memory = model.encode(src, src_pad)
    prefix = torch.zeros(len(rows), 1, dtype=torch.long)
    done = torch.zeros(len(rows), dtype=torch.bool)
    outs = [[] for _ in rows]
    for _ in range(MAX_T):
        h = model.hidden(memory, src_pad, prefix, torch.zeros_like(prefix, dtype=torch.bool))
        nxt = model.out(h[:, -1]).argmax(1)
        for i in range(len(rows)):
            if not done[i]:
                outs[i].append(int(nxt[i]))
                if int(nxt[i]) == EOS:
                    done[i] = True
        prefix = torch.cat([prefix, nxt[:, None]], 1)
        if bool(done.all()):
            break
    return outs


t0 = time.perf_counter()
ids = greedy(test)
batched = (time.perf_counter() - t0) * 1000 / len(test)
one = []
for r in test[:50]:
    t1 = time.perf_counter()
    greedy([r])
    one.append((time.perf_counter() - t1) * 1000)
with open(f"{d_dir}/torch-outputs.txt", "w") as f:
    for x in ids:
        f.write(" ".join(words[i] for i in x if i > 2 and i != EOS) + "\n")
json.dump({"torch": torch.__version__, "threads": threads, "step_ms_median": statistics.median(times[20:]),
           "loss_first": losses[0], "loss_last20": statistics.mean(losses[-20:]),
           "greedy_batched_ms_per_sentence": batched, "greedy_one_ms_median": statistics.median(one)},
          open(f"{d_dir}/torch.json", "w"))
