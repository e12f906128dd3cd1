#!/usr/bin/env python3
"""The PyTorch/cuBLAS peer of df11's batch-1 BF16 decode step (issue 17 item 3): one token through every layer of a
Llama shape, random BF16 weights of exactly the shapes `generate-bench --shape` uses (read from df11's own shape
table, runtime's SyntheticShape.java), all resident on the GPU, captured once as a CUDA graph and replayed; timed with
CUDA events (warm-up, then median and spread of --runs replays). Beside it, a device copy of the same number of bytes
as the ceiling (GB/s counted as bytes read + bytes written, like a device-to-device cudaMemcpy moves them).

What the step includes (llama_peer.py): per layer RMSNorm, q|k|v, attention over --kv-positions cached positions, o,
residual, RMSNorm, gate|up, SiLU*up, down, residual; then the final RMSNorm and the lm_head. Left out: the embedding
row lookup and rotary embedding (a few thousand multiplies at batch 1), and sampling (df11 times argmax on the host).

  python3 benchmarks/gpu/torch_step_peer.py --shape llama-3.1-8b --out results/torch-step-8b.json
  python3 benchmarks/gpu/torch_step_peer.py --shape tiny --device cpu          # a dry run of the logic, no GPU

Needs torch (CUDA build) on the GPU host; nothing else. A shape whose weights do not fit the GPU (llama-44b on an
80 GB card) is refused before anything is allocated: time it with torch_offload_peer.py.
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
    p.add_argument("--shape", default="llama-3.1-8b",
                   help="a shape of df11's SyntheticShape table, e.g. llama-3.2-1b, llama-3.1-8b, llama-44b, tiny"
                        " (default: %(default)s)")
    p.add_argument("--shape-file", default=llama_peer.SHAPE_FILE,
                   help="df11's SyntheticShape.java (default: the one in this checkout)")
    p.add_argument("--device", default="cuda", help="cuda, cuda:N, or cpu for a dry run (default: %(default)s)")
    p.add_argument("--warmup", type=int, default=20, help="untimed replays (default: %(default)s)")
    p.add_argument("--runs", type=int, default=200, help="timed replays, each timed alone (default: %(default)s)")
    p.add_argument("--kv-positions", type=int, default=64,
                   help="cached positions the attention reads (default: %(default)s, about where generate-bench's"
                        " timed tokens are)")
    p.add_argument("--no-cuda-graph", action="store_true", help="launch each kernel eagerly instead of replaying a"
                                                                " CUDA graph")
    p.add_argument("--copy-max-bytes", type=float, default=4 * 2 ** 30,
                   help="largest buffer the copy ceiling allocates twice; the copy is repeated to move the weights'"
                        " bytes (default: 4 GiB)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=1,
                   help="sequences per step, one new token each, each with its own KV cache of --kv-positions"
                        " (default: %(default)s; tokens/s = batch x steps/s)")
    p.add_argument("--out", help="write the results as JSON here")
    a = p.parse_args(argv)
    if a.warmup < 0 or a.runs < 1 or a.kv_positions < 1 or a.copy_max_bytes < 2 ** 20 or a.batch < 1:
        p.error("need --warmup >= 0, --runs >= 1, --kv-positions >= 1, --batch >= 1 and --copy-max-bytes >= 1 MiB")
    return a


class Timer:
    """CUDA events on a GPU, the host clock (after nothing asynchronous) on the CPU."""

    def __init__(self, torch, device):
        self.torch, self.cuda = torch, device.type == "cuda"

    def time_ms(self, fn):
        if self.cuda:
            start = self.torch.cuda.Event(enable_timing=True)
            end = self.torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end)
        t = time.perf_counter()
        fn()
        return (time.perf_counter() - t) * 1e3


def make_weights(torch, shape, device, seed):
    g = torch.Generator(device=device).manual_seed(seed)

    def rand(rows, cols):
        return (torch.randn(rows, cols, generator=g, device=device, dtype=torch.float32) * 0.02).to(torch.bfloat16)

    layers = [{name: rand(r, c) for name, r, c in shape.layer_matrices()} for _ in range(shape.layers)]
    return layers, rand(shape.vocab, shape.hidden)


def check_fits(torch, shape, device, kv_positions, copy_bytes, batch=1):
    if device.type != "cuda":
        return
    free, total = torch.cuda.mem_get_info(device)
    need = shape.weight_bytes() + 2 * 2 * shape.layers * shape.kv * kv_positions * batch + 2 * copy_bytes
    if need > free:
        sys.exit(f"--shape {shape.name}: the weights ({shape.weight_bytes() / 2 ** 30:.1f} GiB BF16), KV cache and the"
                 f" copy buffers need {need / 2 ** 30:.1f} GiB, the GPU has {free / 2 ** 30:.1f} GiB free of"
                 f" {total / 2 ** 30:.1f} GiB; this shape does not fit resident: time it with torch_offload_peer.py")


def copy_ceiling(torch, device, total_bytes, max_bytes, warmup, runs, timer):
    """Device-to-device copies of total_bytes (in pieces of at most max_bytes): GB/s as read + written bytes."""
    piece = int(min(total_bytes, max_bytes)) // 2 * 2
    src = torch.empty(piece // 2, dtype=torch.bfloat16, device=device).normal_()
    dst = torch.empty_like(src)
    repeats = max(1, round(total_bytes / piece))

    def copy():
        for _ in range(repeats):
            dst.copy_(src)

    for _ in range(max(1, warmup // 4)):
        copy()
    times = [timer.time_ms(copy) for _ in range(max(5, runs // 10))]
    s = llama_peer.summary(times)
    moved = 2 * piece * repeats
    s.update({"bytes_copied": piece * repeats, "piece_bytes": piece,
              "gbps_read_plus_write_median": moved / s["median_ms"] / 1e6,
              "gbps_read_plus_write_best": moved / s["min_ms"] / 1e6,
              "gbps_copied_median": piece * repeats / s["median_ms"] / 1e6})
    del src, dst
    return s


def main(argv=None):
    a = parse_args(argv if argv is not None else sys.argv[1:])
    import torch
    shape = llama_peer.shape_by_name(a.shape, a.shape_file)
    device = llama_peer.pick_device(torch, a.device)
    use_graph = device.type == "cuda" and not a.no_cuda_graph
    copy_bytes = min(shape.weight_bytes(), a.copy_max_bytes)
    check_fits(torch, shape, device, a.kv_positions, copy_bytes, a.batch)
    timer = Timer(torch, device)
    print(f"torch_step_peer: {shape.name}: {shape.weight_bytes() / 1e9:.2f} GB of BF16 weights on {device}",
          file=sys.stderr)

    layers, lm_head = make_weights(torch, shape, device, a.seed)
    cache_shape = (a.batch, shape.kv_heads, a.kv_positions, shape.head_dim)
    caches = [(torch.randn(cache_shape, device=device).to(torch.bfloat16),
               torch.randn(cache_shape, device=device).to(torch.bfloat16))
              for _ in range(shape.layers)]
    x_in = torch.randn(a.batch, shape.hidden, device=device).to(torch.bfloat16)
    logits = torch.empty(a.batch, shape.vocab, device=device, dtype=torch.bfloat16)

    def step():
        x = x_in
        for w, (k, v) in zip(layers, caches):
            x = llama_peer.layer_step(x, w, k, v, shape)
        logits.copy_(llama_peer.head_step(x, lm_head))

    with torch.inference_mode():
        run = step
        if use_graph:
            side = torch.cuda.Stream()               # warm-up before capture happens on a side stream (torch docs)
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                for _ in range(3):
                    step()
            torch.cuda.current_stream().wait_stream(side)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                step()
            run = graph.replay
        for _ in range(a.warmup):
            run()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times = [timer.time_ms(run) for _ in range(a.runs)]
        if not torch.isfinite(logits.float()).all():
            sys.exit("the step produced non-finite logits: the weights or the step are broken")
        step_summary = llama_peer.summary(times)
        copy = copy_ceiling(torch, device, shape.weight_bytes(), a.copy_max_bytes, a.warmup, a.runs, timer)

    wb = shape.weight_bytes()
    result = {
        "benchmark": "torch-step-peer",
        "shape": shape.name,
        "shape_detail": shape.to_json(),
        "device": str(device),
        "dtype": "bfloat16",
        "cuda_graph": use_graph,
        "kv_positions": a.kv_positions,
        "batch": a.batch,
        "includes": "per layer: RMSNorm, q|k|v, attention over kv_positions cached positions, o, residual, RMSNorm,"
                    " gate|up, SiLU*up, down, residual; final RMSNorm and lm_head. Not: embedding lookup, rotary"
                    " embedding, sampling.",
        "weight_bytes": wb,
        "step": step_summary,
        "steps_per_second_median": 1e3 / step_summary["median_ms"],
        "steps_per_second_min": 1e3 / step_summary["max_ms"],
        "steps_per_second_max": 1e3 / step_summary["min_ms"],
        "tokens_per_second_median": a.batch * 1e3 / step_summary["median_ms"],
        "weights_gbps_median": wb / step_summary["median_ms"] / 1e6,
        "device_copy": copy,
        "warmup": a.warmup,
        "device_memory_allocated_bytes": torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None,
        "machine": llama_peer.machine(torch, device),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(f"{shape.name} BF16 step of {a.batch} ({'CUDA graph' if use_graph else 'eager'}, {device}): "
          f"{step_summary['median_ms']:.3f} ms median ({step_summary['min_ms']:.3f}..{step_summary['max_ms']:.3f}),"
          f" {result['steps_per_second_median']:.1f} steps/s ({result['tokens_per_second_median']:.0f} tokens/s),"
          f" weights read at {result['weights_gbps_median']:.0f} GB/s;"
          f" device copy {copy['gbps_read_plus_write_median']:.0f} GB/s (read + write)")
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(result, f, indent=2)
        print(f"wrote {a.out}")
    return result


if __name__ == "__main__":
    main()
