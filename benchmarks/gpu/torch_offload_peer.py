#!/usr/bin/env python3
"""A real BF16 offload baseline (issue 14 item 3): the batch-1 decode step of torch_step_peer.py with the weights in
pinned host memory, copied block by block (a block: one decoder layer's matrices, or the lm_head) into a
double-buffered device area on a copy stream while the previous block computes on the compute stream, ordered by CUDA
events between the streams, the way accelerate's and the official DFloat11 `cpu_offload` hooks stream weights. The
device holds only the two block buffers, the KV cache and activations, so a model whose BF16 weights exceed the GPU
(llama-44b: ~84 GB) runs on an 80 GB card.

Per step: copy block 0 into buffer 0; then for each block i: queue the copy of block i+1 into the other buffer (after
the compute that last used that buffer finished: event), wait until block i's copy finished (event), compute block i.
Timed per step with CUDA events on the compute stream (warm-up, median and spread of --runs steps). Reported: tokens/s,
host-to-device GB/s achieved (weight bytes / step time) beside a copy-only pass of the same blocks (the PCIe ceiling),
peak device memory (torch.cuda.max_memory_allocated and the buffers by part), pinned host bytes.

Host memory: the weights are pinned in slabs of --slab-bytes (a power of two: torch's pinned-memory allocator rounds
every allocation up to one, so a 1.7 GB layer alone would take 2 GiB), each matrix a view into a slab, filled with a
repeated random pattern (values do not change the timing). The shape's BF16 bytes must fit in MemAvailable less
--host-reserve; otherwise the script stops before pinning anything and says how much is missing.

  python3 benchmarks/gpu/torch_offload_peer.py --shape llama-44b --out results/torch-offload-44b.json
  python3 benchmarks/gpu/torch_offload_peer.py --shape tiny --device cpu         # a dry run of the logic, no GPU
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_peer  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--shape", default="llama-44b",
                   help="a shape of df11's SyntheticShape table (default: %(default)s)")
    p.add_argument("--shape-file", default=llama_peer.SHAPE_FILE,
                   help="df11's SyntheticShape.java (default: the one in this checkout)")
    p.add_argument("--device", default="cuda", help="cuda, cuda:N, or cpu for a dry run (default: %(default)s)")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps (default: %(default)s)")
    p.add_argument("--runs", type=int, default=10, help="timed steps (default: %(default)s)")
    p.add_argument("--kv-positions", type=int, default=64,
                   help="cached positions the attention reads (default: %(default)s)")
    p.add_argument("--slab-bytes", type=int, default=2 ** 31,
                   help="pinned slab size, a power of two at least the largest block matrix (default: 2 GiB)")
    p.add_argument("--host-reserve", type=float, default=8.0,
                   help="GiB of host memory left to everything else (default: %(default)s)")
    p.add_argument("--pageable", action="store_true",
                   help="ordinary (pageable) host memory instead of pinned: the copies are then staged by the driver"
                        " and do not overlap; not the baseline, only for machines that cannot pin the weights")
    p.add_argument("--check", action="store_true",
                   help="after timing, compare the last step's logits with a step that reads each block straight from"
                        " host memory (synchronous copies, no double buffer): they must be identical")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="write the results as JSON here")
    a = p.parse_args(argv)
    if a.warmup < 0 or a.runs < 1 or a.kv_positions < 1 or a.slab_bytes < 2 ** 20 \
            or a.slab_bytes & (a.slab_bytes - 1):
        p.error("need --warmup >= 0, --runs >= 1, --kv-positions >= 1 and --slab-bytes a power of two >= 1 MiB")
    return a


def mem_available():
    """MemAvailable of /proc/meminfo in bytes, or None where there is none."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def next_pow2(n):
    return 1 << max(0, (n - 1).bit_length())


class HostWeights:
    """The blocks' matrices as views into pinned slabs. blocks[i] is a list of (name, rows, cols, slab, offset)."""

    def __init__(self, torch, shape, slab_bytes, pin, seed):
        blocks = [[(n, r, c) for n, r, c in shape.layer_matrices()] for _ in range(shape.layers)]
        blocks.append([("lm_head", shape.vocab, shape.hidden)])
        slab_elems = slab_bytes // 2
        # First fit, in order: plan the slabs, then allocate each at its used size rounded up to a power of two.
        placed, used = [], [0]
        for block in blocks:
            out = []
            for name, r, c in block:
                n = r * c
                if n > slab_elems:
                    sys.exit(f"--slab-bytes {slab_bytes}: matrix {name} [{r}, {c}] needs {2 * n} bytes; give a larger"
                             f" power of two")
                if used[-1] + n > slab_elems:
                    used.append(0)
                out.append((name, r, c, len(used) - 1, used[-1]))
                used[-1] += n
            placed.append(out)
        self.blocks = placed
        self.slab_sizes = [next_pow2(u) for u in used]
        self.bytes = 2 * sum(self.slab_sizes)
        self.pinned = pin
        pattern = (torch.randn(1 << 20, generator=torch.Generator().manual_seed(seed)) * 0.02).to(torch.bfloat16)
        self.slabs = []
        for i, n in enumerate(self.slab_sizes):
            try:
                slab = torch.empty(n, dtype=torch.bfloat16, pin_memory=pin)
            except RuntimeError as e:
                sys.exit(f"pinning slab {i + 1} of {len(self.slab_sizes)} ({2 * n / 2 ** 30:.2f} GiB) failed after"
                         f" {2 * sum(self.slab_sizes[:i]) / 2 ** 30:.1f} GiB: {e}\nThe machine cannot page-lock"
                         f" {self.bytes / 2 ** 30:.1f} GiB: use a smaller --shape, a machine with more memory, or"
                         f" --pageable (not the baseline: its copies do not overlap)")
            whole = n // pattern.numel() * pattern.numel()
            slab[:whole].view(-1, pattern.numel()).copy_(pattern.expand(whole // pattern.numel(), -1))
            slab[whole:].copy_(pattern[:n - whole])
            self.slabs.append(slab)

    def matrix(self, name_entry):
        name, r, c, slab, offset = name_entry
        return self.slabs[slab][offset:offset + r * c]


class Streams:
    """The copy and compute streams and the events between them; on the CPU, plain synchronous calls."""

    def __init__(self, torch, device):
        self.torch, self.cuda = torch, device.type == "cuda"
        if self.cuda:
            self.copy = torch.cuda.Stream(device)
            self.compute = torch.cuda.current_stream(device)
            self.copied = [torch.cuda.Event(), torch.cuda.Event()]
            self.freed = [torch.cuda.Event(), torch.cuda.Event()]

    def copy_block(self, host, block, buffer, b, start_event=None):
        """Queues the copy of block's matrices into buffer b after the compute that last read buffer b."""
        if not self.cuda:
            for entry, dst in zip(block, buffer):
                dst.copy_(host.matrix(entry).view(entry[1], entry[2]))
            return
        with self.torch.cuda.stream(self.copy):
            if start_event is not None:
                self.copy.wait_event(start_event)
            self.copy.wait_event(self.freed[b])
            for entry, dst in zip(block, buffer):
                dst.copy_(host.matrix(entry).view(entry[1], entry[2]), non_blocking=True)
            self.copied[b].record(self.copy)

    def before_compute(self, b):
        if self.cuda:
            self.compute.wait_event(self.copied[b])

    def after_compute(self, b):
        if self.cuda:
            self.freed[b].record(self.compute)


def device_buffers(torch, shape, host, device):
    """Two device areas of the largest block, and per buffer the views each block's matrices take in it."""
    largest = max(sum(e[1] * e[2] for e in block) for block in host.blocks)
    areas = [torch.empty(largest, dtype=torch.bfloat16, device=device) for _ in range(2)]

    def views(area, block):
        out, at = [], 0
        for _, r, c, _, _ in block:
            out.append(area[at:at + r * c].view(r, c))
            at += r * c
        return out

    return areas, [[views(area, block) for area in areas] for block in host.blocks], 2 * largest * 2


def main(argv=None):
    a = parse_args(argv if argv is not None else sys.argv[1:])
    import torch
    shape = llama_peer.shape_by_name(a.shape, a.shape_file)
    device = llama_peer.pick_device(torch, a.device)
    pin = device.type == "cuda" and not a.pageable
    available = mem_available()
    if available is not None and shape.weight_bytes() > available - a.host_reserve * 2 ** 30:
        sys.exit(f"--shape {shape.name}: its BF16 weights take {shape.weight_bytes() / 2 ** 30:.1f} GiB of host memory;"
                 f" {available / 2 ** 30:.1f} GiB is available and --host-reserve keeps {a.host_reserve:g} GiB for"
                 f" everything else; use a machine with more memory or a smaller --shape")
    print(f"torch_offload_peer: {shape.name}: {'pinning' if pin else 'allocating'}"
          f" {shape.weight_bytes() / 2 ** 30:.1f} GiB of BF16 weights in host memory ...", file=sys.stderr)
    t0 = time.perf_counter()
    host = HostWeights(torch, shape, a.slab_bytes, pin, a.seed)
    host_seconds = time.perf_counter() - t0
    print(f"torch_offload_peer: host weights ready in {host_seconds:.1f} s ({len(host.slabs)} slabs,"
          f" {host.bytes / 2 ** 30:.1f} GiB)", file=sys.stderr)

    streams = Streams(torch, device)
    areas, views, buffer_bytes = device_buffers(torch, shape, host, device)
    caches = [(torch.randn(shape.kv_heads, a.kv_positions, shape.head_dim, device=device).to(torch.bfloat16),
               torch.randn(shape.kv_heads, a.kv_positions, shape.head_dim, device=device).to(torch.bfloat16))
              for _ in range(shape.layers)]
    x_in = torch.randn(1, shape.hidden, device=device).to(torch.bfloat16)
    nblocks = len(host.blocks)

    def step():
        """One token; returns the logits (on the device)."""
        start_event = None
        if streams.cuda:
            start_event = torch.cuda.Event()
            start_event.record(streams.compute)
        streams.copy_block(host, host.blocks[0], views[0][0], 0, start_event)
        x = x_in
        for i in range(nblocks):
            b = i % 2
            if i + 1 < nblocks:
                streams.copy_block(host, host.blocks[i + 1], views[i + 1][1 - b], 1 - b)
            streams.before_compute(b)
            if i < shape.layers:
                w = dict(zip([e[0] for e in host.blocks[i]], views[i][b]))
                x = llama_peer.layer_step(x, w, caches[i][0], caches[i][1], shape)
            else:
                x = llama_peer.head_step(x, views[i][b][0])
            streams.after_compute(b)
        return x

    def copy_only():
        for i in range(nblocks):
            b = i % 2
            streams.copy_block(host, host.blocks[i], views[i][b], b)
            streams.after_compute(b)     # nothing computes: each buffer is free again once copied

    def timed(fn):
        if streams.cuda:
            torch.cuda.synchronize(device)
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record(streams.compute)
            out = fn()
            streams.compute.wait_stream(streams.copy)
            end.record(streams.compute)
            end.synchronize()
            return start.elapsed_time(end), out
        t = time.perf_counter()
        out = fn()
        return (time.perf_counter() - t) * 1e3, out

    with torch.inference_mode():
        for _ in range(a.warmup):
            timed(step)
        times, logits = [], None
        for _ in range(a.runs):
            ms, logits = timed(step)
            times.append(ms)
        if not torch.isfinite(logits.float()).all():
            sys.exit("the step produced non-finite logits: the weights or the step are broken")
        copy_times = [timed(copy_only)[0] for _ in range(max(3, a.runs // 2))]
        checked = None
        if a.check:
            x = x_in
            for i, block in enumerate(host.blocks):
                w = {e[0]: host.matrix(e).view(e[1], e[2]).to(device) for e in block}
                x = (llama_peer.layer_step(x, w, caches[i][0], caches[i][1], shape) if i < shape.layers
                     else llama_peer.head_step(x, w["lm_head"]))
            checked = bool(torch.equal(x, logits))
            if not checked:
                sys.exit("--check: the double-buffered step's logits differ from the direct step's: the offload"
                         " schedule is broken (a buffer overwritten before its block computed?)")

    s = llama_peer.summary(times)
    c = llama_peer.summary(copy_times)
    wb = shape.weight_bytes()
    result = {
        "benchmark": "torch-offload-peer",
        "shape": shape.name,
        "shape_detail": shape.to_json(),
        "device": str(device),
        "dtype": "bfloat16",
        "pinned": pin,
        "kv_positions": a.kv_positions,
        "includes": "per layer: RMSNorm, q|k|v, attention over kv_positions cached positions, o, residual, RMSNorm,"
                    " gate|up, SiLU*up, down, residual; final RMSNorm and lm_head; every block's weights copied from"
                    " host memory each step. Not: embedding lookup, rotary embedding, sampling.",
        "blocks": nblocks,
        "checked_against_direct_step": checked,
        "weight_bytes": wb,
        "step": s,
        "tokens_per_second_median": 1e3 / s["median_ms"],
        "tokens_per_second_min": 1e3 / s["max_ms"],
        "tokens_per_second_max": 1e3 / s["min_ms"],
        "h2d_gbps_median": wb / s["median_ms"] / 1e6,
        "copy_only": dict(c, h2d_gbps_median=wb / c["median_ms"] / 1e6, h2d_gbps_best=wb / c["min_ms"] / 1e6),
        "device_buffer_bytes": buffer_bytes,
        "device_kv_cache_bytes": sum(k.numel() * 2 + v.numel() * 2 for k, v in caches),
        "device_max_memory_allocated_bytes": torch.cuda.max_memory_allocated(device) if streams.cuda else None,
        "host_weight_bytes": host.bytes,
        "host_slabs": len(host.slabs),
        "host_setup_seconds": host_seconds,
        "warmup": a.warmup,
        "machine": llama_peer.machine(torch, device),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    peak = result["device_max_memory_allocated_bytes"]
    print(f"{shape.name} BF16 offloaded ({'pinned' if pin else 'pageable'}, {device}): {s['median_ms']:.1f} ms/token"
          f" median ({s['min_ms']:.1f}..{s['max_ms']:.1f}), {result['tokens_per_second_median']:.2f} tokens/s,"
          f" host->device {result['h2d_gbps_median']:.1f} GB/s (copy alone {result['copy_only']['h2d_gbps_median']:.1f}"
          f" GB/s); device: buffers {buffer_bytes / 2 ** 20:.0f} MiB"
          + (f", peak allocated {peak / 2 ** 20:.0f} MiB" if peak is not None else ""))
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(result, f, indent=2)
        print(f"wrote {a.out}")
    return result


if __name__ == "__main__":
    main()
