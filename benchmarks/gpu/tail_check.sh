#!/usr/bin/env bash
# The tail order on a GPU, in one call (KERNEL-NOTES, "The nibble layout": built into the product; the next GPU call):
#   benchmarks/gpu/tail_check.sh BUNDLE OUT
# 1. matvec-bench on gate|up (28,672 x 4,096, 256:8) and down (4,096 x 14,336, 128:1), batches 1 and 16: every
#    product kernel with its tail task on the BF16 planes (planes-tail, pairs-tail, staged-tail, ...) and in its
#    nibble form (nibble, pairs-nibble, staged-nibble, ...), each nibble row checked bit for bit against its planes
#    row and every row against float64, beside the kernels alone on the plain BF16 table (planes, pairs, staged);
# 2. the PyTorch/cuBLAS peer step on the 8B shape (torch_step_peer.py);
# 3. generate-bench on the 8B shape with BF16, DF11 nibble and DF11 exact in one process (32 greedy tokens, median of
#    3 runs; the three must give the same greedy tokens).
# Everything ends up in one archive, OUT/tail-check.tar.gz (a device call returns only a few files), rewritten after
# each step and every 30 s, so that a call cut short still returns what it had. About 9 minutes on an H100, most of it the three 8B
# loads; set TAIL_CHECK_BUDGET (seconds, default 560) to bound the whole.
set -u
bundle=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
budget=${TAIL_CHECK_BUDGET:-560}
work=$(mktemp -d)
. "$here/lib/archive.sh"
archive_start "$out" tail-check "$work"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$work/gpu.txt" 2>&1
bench() { # NAME ARGS...
  local name=$1
  shift
  (cd "$work" && timeout 100 "$bundle/bin/matvec-bench" --device 1:0 --fused= --warmup 3 --reps 20 --batch-rungs \
    --out "$work/$name.json" "$@") > "$work/$name.log" 2>&1
  echo "$name rc=$?"
  grep -E " b[0-9]+ " "$work/$name.log" | cut -c1-150
  archive_save
}
bench matvec-gateup --shapes 28672x4096 --configs 256:8 --batch 1,16
bench matvec-down --shapes 4096x14336 --configs 128:1 --batch 1,16
timeout 60 python3 "$here/torch_step_peer.py" --shape llama-3.1-8b --out "$work/torch-step-8b.json" \
  > "$work/torch-step-8b.log" 2>&1
tail -2 "$work/torch-step-8b.log"
archive_save
left=$(( budget - ($(date +%s) - start) ))
timeout "$left" "$bundle/bin/generate-bench" --shape llama-3.1-8b --work-dir /tmp/df11-models --device 1:0 \
  --prompt-tokens 8 --modes bf16-device,df11-nibble,df11-device --tokens 32 --warmup 1 --runs 3 \
  --out "$work/gen-8b.json" > "$work/gen-8b.log" 2>&1
echo "generate-bench rc=$?"
grep -v "ERROR\|^WARNING\|^\s*at \|^#" "$work/gen-8b.log" | tail -16
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv >> "$work/gpu.txt"
archive_stop && rm -rf "$work"
echo "elapsed $(( $(date +%s) - start )) s"
