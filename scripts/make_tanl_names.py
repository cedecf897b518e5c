#!/usr/bin/env python3
"""Name lists of the CoNLL04-like generator, from WordNet 3.0's noun database (Debian wordnet-base).

usage: make_tanl_names.py WORDNET_DIR OUT_DIR
Writes OUT_DIR/persons.txt and locations.txt (one name per line: the instances of noun.person and noun.location whose
chosen lemma (a person's fullest, a place's first) is letters, spaces, hyphens, apostrophes and periods, two words at most for places and three for persons)
and located-in.tsv (place TAB the place it is part of: the part-holonym pointers #p between two kept places).
Standard library only."""
import re
import sys

wn, out = sys.argv[1], sys.argv[2]
synsets = {}
for line in open(f"{wn}/data.noun", encoding="latin-1"):
    if line.startswith("  "):
        continue
    head = line.split(" | ")[0].split()
    offset, lex = head[0], head[1]
    n = int(head[3], 16)
    lemmas = [head[4 + 2 * i].replace("_", " ") for i in range(n)]
    p = 4 + 2 * n
    count = int(head[p])
    ptrs = [(head[p + 1 + 4 * i], head[p + 2 + 4 * i]) for i in range(count)]
    synsets[offset] = (lex, lemmas, ptrs)

ok = re.compile(r"^[A-Z][A-Za-z.'\-]*( [A-Z][A-Za-z.'\-]*)*$")


def pick(lemmas, words, longest):
    """a person's fullest name (Frank Morrison Spillane), a place's first, canonical one (Washington, not Evergreen
    State)"""
    good = [l for l in lemmas if ok.match(l) and len(l.split()) <= words and not l.endswith(".")]
    if not good:
        return None
    return max(good, key=lambda l: (len(l.split()), -lemmas.index(l))) if longest else good[0]


persons, places = {}, {}
for off, (lex, lemmas, ptrs) in synsets.items():
    if not any(s == "@i" for s, _ in ptrs):
        continue
    if lex == "18":
        name = pick(lemmas, 3, True)
        if name:
            persons[off] = name
    elif lex == "15":
        name = pick(lemmas, 2, False)
        if name:
            places[off] = name
pairs = set()
for off, name in places.items():
    for s, target in synsets[off][2]:
        if s == "#p" and target in places and places[target] != name:
            pairs.add((name, places[target]))
with open(f"{out}/persons.txt", "w") as f:
    f.write("\n".join(sorted(set(persons.values()))) + "\n")
with open(f"{out}/locations.txt", "w") as f:
    f.write("\n".join(sorted(set(places.values()))) + "\n")
with open(f"{out}/located-in.tsv", "w") as f:
    f.write("\n".join(f"{a}\t{b}" for a, b in sorted(pairs)) + "\n")
print(f"{len(set(persons.values()))} persons, {len(set(places.values()))} locations, {len(pairs)} located-in pairs")
