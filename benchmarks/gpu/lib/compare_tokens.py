#!/usr/bin/env python3
"""Compares the greedy tokens two serve-bench runs generated for their prompts alone ("tokens_alone"), mode by mode:
   compare_tokens.py A.json B.json
Another tuning table (the tensor cores against the CUDA cores) changes the sums' last bits, so on random weights a
few tokens may part at near-ties; a path computing garbage agrees on none. Prints one line per mode both ran."""
import json
import sys


def alone(path):
    with open(path) as f:
        report = json.load(f)
    return {m["mode"]: {tuple(p["prompt"]): p["tokens"] for p in m.get("tokens_alone", [])}
            for m in report.get("modes", [])}


def common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def main(a_path, b_path):
    a, b = alone(a_path), alone(b_path)
    for mode in a:
        if mode not in b:
            continue
        prompts = [p for p in a[mode] if p in b[mode]]
        if not prompts:
            print(f"{mode}: no prompt in both")
            continue
        same = sum(a[mode][p] == b[mode][p] for p in prompts)
        first = sum(a[mode][p][:1] == b[mode][p][:1] for p in prompts)
        prefix = sum(common_prefix(a[mode][p], b[mode][p]) for p in prompts) / len(prompts)
        length = sum(len(a[mode][p]) for p in prompts) / len(prompts)
        print(f"{mode}: {same} of {len(prompts)} prompts generate the same tokens, {first} the same first token;"
              f" common prefix {prefix:.1f} of {length:.0f} tokens on average")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
