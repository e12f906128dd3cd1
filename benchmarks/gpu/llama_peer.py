"""Shared parts of the PyTorch peers (torch_step_peer.py, torch_offload_peer.py): the Llama shapes, read from df11's
own shape table (runtime's SyntheticShape.java) so the peers time exactly the weight shapes `df11 synthetic --shape`
and `generate-bench --shape` use, and the batch-1 decode step over them.

The step, per decoder layer: RMSNorm, q|k|v matrix-vector product (one [q+2kv, hidden] matrix), attention of the one
query over `kv_positions` cached positions (grouped-query: each KV head serves heads/kv_heads query heads; no rotary
embedding: at batch 1 it is a few hundred multiplies), o product, residual add, RMSNorm, gate|up product (one
[2*intermediate, hidden] matrix), SiLU(gate)*up, down product, residual add; then the final RMSNorm and the lm_head
product onto the whole vocabulary. The embedding lookup is one row: left out. All BF16, as F.linear (cuBLAS GEMV) runs
it at batch 1.
"""
import os
import platform
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE_FILE = os.path.join(HERE, "..", "..", "runtime", "src", "main", "java", "dev", "df11", "runtime", "synthetic",
                          "SyntheticShape.java")
# An enum constant: ID("name", hidden, intermediate, layers, heads, kvHeads, vocab, maxPositions, theta, rope..., tied)
_SHAPE = re.compile(r'[A-Z0-9_]+\(\s*"([^"]+)",\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),'
                    r'[^;]*?\b(true|false)\)\s*[,;]', re.S)


class Shape:
    def __init__(self, name, hidden, intermediate, layers, heads, kv_heads, vocab, tied):
        self.name, self.hidden, self.intermediate, self.layers = name, hidden, intermediate, layers
        self.heads, self.kv_heads, self.vocab, self.tied = heads, kv_heads, vocab, tied
        self.head_dim = hidden // heads
        self.q = heads * self.head_dim
        self.kv = kv_heads * self.head_dim

    def layer_matrices(self):
        """(name, rows, cols) of one decoder layer's matrices as the step multiplies them."""
        return [("qkv", self.q + 2 * self.kv, self.hidden), ("o", self.hidden, self.q),
                ("gate_up", 2 * self.intermediate, self.hidden), ("down", self.hidden, self.intermediate)]

    def layer_elements(self):
        return sum(r * c for _, r, c in self.layer_matrices())

    def head_elements(self):
        return self.vocab * self.hidden

    def weight_bytes(self):
        """BF16 bytes the step reads: every layer's matrices and the lm_head (the tied embedding when tied)."""
        return 2 * (self.layers * self.layer_elements() + self.head_elements())

    def to_json(self):
        return {"name": self.name, "hidden": self.hidden, "intermediate": self.intermediate, "layers": self.layers,
                "heads": self.heads, "kv_heads": self.kv_heads, "head_dim": self.head_dim, "vocab": self.vocab,
                "tied_embeddings": self.tied}


def read_shapes(path=SHAPE_FILE):
    """The shapes of df11's SyntheticShape enum, by name."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as e:
        sys.exit(f"cannot read df11's shape table {path} ({e.strerror}); run the script from a df11 checkout or "
                 f"pass --shape-file PATH/SyntheticShape.java")
    shapes = {}
    for m in _SHAPE.finditer(text):
        name = m.group(1)
        hidden, inter, layers, heads, kv, vocab = (int(m.group(i)) for i in range(2, 8))
        shapes[name] = Shape(name, hidden, inter, layers, heads, kv, vocab, m.group(9) == "true")
    if not shapes:
        sys.exit(f"{path}: found no shape definitions (expected enum constants like "
                 f'LLAMA_3_1_8B("llama-3.1-8b", 4096, ...)); the file format changed, update llama_peer._SHAPE')
    return shapes


def shape_by_name(name, path=SHAPE_FILE):
    shapes = read_shapes(path)
    if name not in shapes:
        sys.exit(f"unknown shape '{name}'; {path} defines: {', '.join(shapes)}")
    return shapes[name]


def rms_norm(x, eps=1e-5):
    import torch
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


def layer_step(x, w, k_cache, v_cache, shape):
    """One decoder layer for B sequences at one new token each. x: [B, hidden]; w: dict of the layer's matrices;
    caches: [B, kv_heads, T, dim], or [kv_heads, T, dim] when B is 1."""
    import torch
    import torch.nn.functional as F
    b = x.shape[0]
    h = rms_norm(x)
    qkv = F.linear(h, w["qkv"])
    q = qkv[:, :shape.q].reshape(b, shape.kv_heads, shape.heads // shape.kv_heads, shape.head_dim)
    # The new token's k and v would be written at the current position; the cache already holds T positions and
    # the step attends over them (its size, not its content, is what costs).
    scores = torch.matmul(q, k_cache.transpose(-2, -1)) * (shape.head_dim ** -0.5)  # [B, kv, group, T]
    probs = torch.softmax(scores.float(), dim=-1).to(x.dtype)
    attn = torch.matmul(probs, v_cache).reshape(b, shape.q)                         # [B, q]
    x = x + F.linear(attn, w["o"])
    h = rms_norm(x)
    gate_up = F.linear(h, w["gate_up"])
    gate, up = gate_up[:, :shape.intermediate], gate_up[:, shape.intermediate:]
    return x + F.linear(F.silu(gate) * up, w["down"])


def head_step(x, lm_head):
    import torch.nn.functional as F
    return F.linear(rms_norm(x), lm_head)


def summary(times_ms):
    """Median and spread of per-step times in ms."""
    s = sorted(times_ms)
    q = statistics.quantiles(s, n=10) if len(s) >= 2 else [s[0]] * 9
    return {"runs": len(s), "median_ms": statistics.median(s), "min_ms": s[0], "max_ms": s[-1],
            "p10_ms": q[0], "p90_ms": q[8]}


def machine(torch, device):
    info = {"python": platform.python_version(), "torch": torch.__version__, "host": platform.node(),
            "cpu": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(), "os": platform.platform()}
    try:
        info["memory_gib"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30, 1)
    except (ValueError, OSError):
        pass
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        info.update({"gpu": p.name, "gpu_memory_gib": round(p.total_memory / 2 ** 30, 1),
                     "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version()})
        try:
            info["driver"] = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                            capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            pass
    return info


def pick_device(torch, name):
    if name.startswith("cuda") and not torch.cuda.is_available():
        sys.exit(f"--device {name}: torch {torch.__version__} sees no CUDA GPU (torch.cuda.is_available() is False);"
                 f" use --device cpu for a dry run of the logic")
    return torch.device(name)
