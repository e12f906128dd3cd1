#!/usr/bin/env python3
"""Times the official DFloat11 CUDA decode kernel on a unit written by df11, beside a device copy.

The kernel source is NOT part of this repository: pass the path of the official `decode.cu` (fetched separately,
Apache-2.0, LeanModels/DFloat11) with --kernel. The unit comes from `DecodeBenchmark --write-unit FILE`, so both
decoders see the same bytes. Timing: CUDA events, warm-up, median and spread over repetitions.

usage: official_decode_baseline.py --kernel decode.cu --unit unit.safetensors --name NAME [--reps 50] [--json out.json]
"""
import argparse, json, statistics, sys

import cupy as cp
import torch
from safetensors.torch import load_file


def time_ms(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return times


def summary(times, out_bytes):
    med = statistics.median(times)
    return {"median_ms": med, "min_ms": min(times), "max_ms": max(times),
            "gbps_median": out_bytes / med / 1e6, "gbps_best": out_bytes / min(times) / 1e6}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--reference", help="BF16 tensor name in the same file to compare against")
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--json")
    a = p.parse_args()

    t = load_file(a.unit, device="cuda")
    luts = t[a.name + ".luts"].contiguous()
    codes = t[a.name + ".encoded_exponent"].contiguous()
    sm = t[a.name + ".sign_mantissa"].contiguous()
    pos = t[a.name + ".output_positions"].contiguous()          # uint8 bytes of little-endian uint32
    gaps = t[a.name + ".gaps"].contiguous()
    n, n_bytes, n_luts = sm.numel(), codes.numel(), luts.shape[0]
    positions = pos.view(torch.int32).to(torch.int64).cpu()
    max_block = int((positions[1:] - positions[:-1]).max())
    threads = 512
    blocks = (n_bytes + threads * 8 - 1) // (threads * 8)
    shared = threads * 4 + 4 + max_block * 2

    module = cp.RawModule(code=open(a.kernel).read(), options=("-std=c++17",))
    decode = module.get_function("decode")
    if shared > 48 * 1024:
        decode.max_dynamic_shared_size_bytes = shared
    out = torch.empty(n, dtype=torch.bfloat16, device="cuda")
    ptr = lambda x: cp.uint64(x.data_ptr())

    def run():
        decode((blocks,), (threads,), (ptr(luts), ptr(codes), ptr(sm), ptr(pos), ptr(gaps), ptr(out),
                                      cp.int32(n_luts), cp.int32(n_bytes), cp.int32(n)), shared_mem=shared)

    out.view(torch.int16).fill_(-1)
    run()
    torch.cuda.synchronize()
    result = {"device": torch.cuda.get_device_name(), "elements": n, "stream_bytes": n_bytes,
              "ratio": (n_bytes + n + pos.numel() + gaps.numel()) / (2 * n)}
    if a.reference:
        ref = t[a.reference].view(torch.int16).flatten()
        result["bit_identical"] = bool(torch.equal(ref, out.view(torch.int16)))

    result["official_decode"] = summary(time_ms(run, 10, a.reps), 2 * n)
    src = torch.empty(n, dtype=torch.bfloat16, device="cuda").normal_()
    dst = torch.empty_like(src)
    # A copy reads and writes 2n bytes each: count both, as the copy-bandwidth ceiling does.
    result["device_copy"] = summary(time_ms(lambda: dst.copy_(src), 10, a.reps), 4 * n)

    print(json.dumps(result, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    if a.reference and not result["bit_identical"]:
        sys.exit("official kernel output differs from the reference")


if __name__ == "__main__":
    main()
