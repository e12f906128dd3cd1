#!/usr/bin/env bash
# Does the tail order take the nibble forms to their BF16 forms' time? (KERNEL-NOTES, "The nibble layout": found,
# what removes the rest, and the next GPU call 0.) In one call:
#   benchmarks/gpu/tail_check.sh BUNDLE OUT
# 1. matvec-bench on gate|up (28,672 x 4,096, 256:8) and on down (4,096 x 14,336, 128:1), batches 1 and 16, every
#    product kernel, its nibble form and, for the planes, two-row and staged kernels, the tail order's two forms
#    (planes-tail / nibble-tail, pairs-tail / pairs-nibble-tail, staged-tail / staged-nibble-tail), each nibble-tail
#    row checked bit for bit against its tail row, every row against float64;
# 2. gate|up at batch 1 again with every kernel built for at most 64 registers (--max-registers 64): what capping the
#    nibble forms' registers buys, beside what the tail order buys.
# The rows that matter are printed; everything ends up in one archive, OUT/tail-check.tar.gz (a device call returns
# only a few files). About 3 minutes on an H100.
set -u
bundle=$1 out=$2
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$out/gpu.txt" 2>&1
bench() { # NAME ARGS...
  local name=$1
  shift
  (cd "$out" && timeout 150 "$bundle/bin/matvec-bench" --device 1:0 --fused= --warmup 3 --reps 20 --batch-rungs \
    --out "$out/$name.json" "$@") > "$out/$name.log" 2>&1
  echo "$name rc=$?"
  grep -E " b[0-9]+ " "$out/$name.log"
}
bench matvec-gateup --shapes 28672x4096 --configs 256:8 --batch 1,16
bench matvec-down --shapes 4096x14336 --configs 128:1 --batch 1,16
bench matvec-gateup-cap64 --shapes 28672x4096 --configs 256:8 --batch 1 --max-registers 64
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv >> "$out/gpu.txt"
archive=$(mktemp -d)/tail-check.tar.gz
tar -czf "$archive" -C "$out" . && find "$out" -mindepth 1 -delete && mv "$archive" "$out/"
