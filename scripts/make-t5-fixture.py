#!/usr/bin/env python3
"""The TANL bundle's T5 ONNX fixture: a tiny encoder-decoder with a T5 export's signature, random weights (seed 0),
written with Debian's python3-torch 1.13, and the ids its own greedy and beam-4 search give for 50 sentences.

usage: /usr/bin/python3 scripts/make-t5-fixture.py   (needs python3-torch, python3-sentencepiece; a few seconds)
Writes testdata/onnx/t5-tiny/: encoder_model.onnx (input_ids, attention_mask -> last_hidden_state), decoder_model.onnx
(input_ids, encoder_hidden_states, encoder_attention_mask -> logits; no past key/values), spiece.model (a copy of
testdata/tanl/spiece.model), model.json (architecture t5-onnx), expected.json (each sentence, its source ids from
Python's sentencepiece, and the torch model's greedy and beam-4 output ids; beam search as Hugging Face's generate
with length_penalty 1 and early_stopping False, written out here because transformers is not packaged in Debian).
Also writes testdata/tanl/tokenizer.json: the same SentencePiece model converted to Hugging Face's format.
No T5 weights exist on this machine: the fixture checks the Java side's plumbing (names, ids, masks, the search)
against torch on the same graph, not translation quality."""
import json
import math
import os
import random
import shutil

import sentencepiece as spm
import torch
from torch import nn

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(top, "testdata/onnx/t5-tiny")
os.makedirs(out, exist_ok=True)
sp = spm.SentencePieceProcessor(model_file=os.path.join(top, "testdata/tanl/spiece.model"))
V, D, MAX_T, EOS, PAD = sp.get_piece_size(), 32, 24, 1, 0
torch.manual_seed(0)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))

    def forward(self, x, mem, bias):
        s = self.q(x) @ self.k(mem).transpose(1, 2) / math.sqrt(D) + bias
        return self.o(torch.softmax(s, -1) @ self.v(mem))


class Encoder(nn.Module):
    def __init__(self, embed):
        super().__init__()
        self.embed, self.pos = embed, nn.Embedding(64, D)
        self.att, self.norm = Attention(), nn.LayerNorm(D)
        self.ffn = nn.Sequential(nn.Linear(D, 64), nn.ReLU(), nn.Linear(64, D))

    def forward(self, input_ids, attention_mask):
        x = self.embed(input_ids) + self.pos(torch.arange(input_ids.shape[1]))[None]
        bias = (1.0 - attention_mask[:, None, :].float()) * -1e9
        x = x + self.att(x, x, bias)
        return self.norm(x + self.ffn(x))


class Decoder(nn.Module):
    def __init__(self, embed):
        super().__init__()
        self.embed, self.pos = embed, nn.Embedding(64, D)
        self.self_att, self.cross, self.norm = Attention(), Attention(), nn.LayerNorm(D)
        self.head = nn.Linear(D, V)

    def forward(self, input_ids, encoder_hidden_states, encoder_attention_mask):
        t = input_ids.shape[1]
        x = self.embed(input_ids) + self.pos(torch.arange(t))[None]
        causal = torch.triu(torch.full((t, t), -1e9), 1)[None]
        x = x + self.self_att(x, x, causal)
        x = x + self.cross(x, encoder_hidden_states, (1.0 - encoder_attention_mask[:, None, :].float()) * -1e9)
        return self.head(self.norm(x)) * 3.0  # sharper than random init, so some outputs end before MAX_T


embed = nn.Embedding(V, D)
enc, dec = Encoder(embed).eval(), Decoder(embed).eval()
with torch.no_grad():
    dec.head.bias[EOS] += 1.2
ids = torch.tensor([[5, 6, 7, EOS]])
mask = torch.ones_like(ids)
torch.onnx.export(enc, (ids, mask), os.path.join(out, "encoder_model.onnx"), input_names=["input_ids", "attention_mask"],
                  output_names=["last_hidden_state"], opset_version=14,
                  dynamic_axes={"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"},
                                "last_hidden_state": {0: "b", 1: "s"}})
with torch.no_grad():
    h = enc(ids, mask)
torch.onnx.export(dec, (torch.tensor([[PAD, 9]]), h, mask), os.path.join(out, "decoder_model.onnx"),
                  input_names=["input_ids", "encoder_hidden_states", "encoder_attention_mask"], output_names=["logits"],
                  opset_version=14, dynamic_axes={"input_ids": {0: "b", 1: "t"}, "encoder_hidden_states": {0: "b", 1: "s"},
                                                  "encoder_attention_mask": {0: "b", 1: "s"}, "logits": {0: "b", 1: "t"}})


@torch.no_grad()
def last_logprobs(src, prefixes):
    s = torch.tensor([src] * len(prefixes))
    m = torch.ones_like(s)
    logits = dec(torch.tensor(prefixes), enc(s, m), m)[:, -1]
    return torch.log_softmax(logits.double(), -1).float()


def greedy(src):
    prefix, out = [PAD], []
    for _ in range(MAX_T):
        nxt = int(last_logprobs(src, [prefix])[0].argmax())
        out.append(nxt)
        prefix.append(nxt)
        if nxt == EOS:
            break
    return out


def beam(src, k, lp=1.0):
    live, fin = [([], 0.0)], []

    def file(tokens, score):
        if len(fin) < k or score > min(f[1] for f in fin):
            fin.append((tokens, score))
            if len(fin) > k:
                fin.remove(min(fin, key=lambda f: f[1]))

    for t in range(1, MAX_T + 1):
        logp = last_logprobs(src, [[PAD] + h for h, _ in live]).tolist()
        cand = sorted(((s + logp[i][w], i * V + w) for i, (_, s) in enumerate(live) for w in range(V)),
                      key=lambda c: -c[0])  # stable: ties keep (beam, token) order
        nxt = []
        for r, (score, c) in enumerate(cand[:2 * k]):
            if len(nxt) >= k:
                break
            i, w = divmod(c, V)
            base = live[i][0]
            if w == EOS:
                if r < k:
                    file(base + [w], score / (len(base) + 1) ** lp)
                continue
            nxt.append((base + [w], score))
        live = nxt
        if len(fin) >= k and min(f[1] for f in fin) >= (live[0][1] / (t + 1) ** lp if live else -math.inf):
            break
        if t == MAX_T:
            for h, s in live:
                file(h, s / (len(h) + 1) ** lp)
    return max(fin, key=lambda f: f[1])[0] if fin else []


def tokenizer_json():
    """the SentencePiece model as a Hugging Face tokenizer.json, the way transformers converts T5's (a Unigram model
    of the same pieces and scores, Metaspace pre-tokenizer and decoder; spm's user-defined [ ] | = are pieces of
    score 0 that no other piece contains, so the Unigram model always cuts them out, as spm does); no normalizer: the
    fixture's text is plain ASCII"""
    specials = {0: "<pad>", 1: "</s>", 2: "<unk>"}
    added = [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, c in specials.items()]
    meta = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
            "pre_tokenizer": meta, "post_processor": None, "decoder": meta,
            "model": {"type": "Unigram", "unk_id": 2, "byte_fallback": False,
                      "vocab": [[sp.id_to_piece(i), 0.0 if i in specials else sp.get_score(i)] for i in range(V)]}}


json.dump(tokenizer_json(), open(os.path.join(top, "testdata/tanl/tokenizer.json"), "w"), ensure_ascii=False)
random.seed(1)
names = open(os.path.join(top, "bundles/org.modelkit.translator.tanl/src/main/resources/tanl/persons.txt")).read().split("\n")
places = open(os.path.join(top, "bundles/org.modelkit.translator.tanl/src/main/resources/tanl/locations.txt")).read().split("\n")
rows = []
for i in range(50):
    s = f"{random.choice(names)} was born in {random.choice(places)} and worked for {random.choice(places)} University ."
    src = sp.encode(s) + [EOS]
    rows.append({"sentence": s, "source": src, "greedy": greedy(src), "beam4": beam(src, 4)})
json.dump(rows, open(os.path.join(out, "expected.json"), "w"), indent=0)
shutil.copy(os.path.join(top, "testdata/tanl/spiece.model"), os.path.join(out, "spiece.model"))
json.dump({"method": "tanl", "architecture": "t5-onnx", "tokenizer": "spm", "maxSource": 64, "maxTarget": MAX_T,
           "tasks": [{"name": "conll04", "kind": "jer", "entities": {"Peop": "person", "Loc": "location",
                                                                    "Org": "organization", "Other": "other"},
                      "relations": {"Work_For": "works for", "Kill": "kills", "OrgBased_In": "organization based in",
                                    "Live_In": "lives in", "Located_In": "located in"}}]},
          open(os.path.join(out, "model.json"), "w"), indent=2)
ended = sum(1 for r in rows if r["greedy"][-1:] == [EOS])
print(f"{out}: vocabulary {V}, 50 sentences; greedy outputs ending before {MAX_T} tokens: {ended}; "
      f"beam-4 differs from greedy in {sum(1 for r in rows if r['beam4'] != r['greedy'])}")
