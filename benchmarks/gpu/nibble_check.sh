#!/usr/bin/env bash
# The nibble decode mode (--decode-mode nibble) on a GPU, in one machine session, kernel numbers first:
#   benchmarks/gpu/nibble_check.sh BUNDLE OUT [SECONDS]
# 1. matvec-bench on the 8B shape's gate|up (28672x4096, 32 work-items a row) and down (4096x14336, 128 a row) at
#    batch 1, 16 and 64: the planes, two-row and staged kernels and each one's nibble form, every nibble row checked
#    bit for bit against the planes kernel (its GB/s count the layout's bytes: 1.5 a weight);
# 2. generate-bench on the 8B shape with BF16 resident, DF11 nibble and DF11 exact in one process (PTX, CUDA graphs),
#    greedy tokens compared across the modes;
# 3. the PyTorch/cuBLAS BF16 step of the same shapes (torch_step_peer.py), the issue's peer;
# 4. serve-bench at 16 and 64 concurrent requests, BF16 and DF11 nibble, one model per process.
# SECONDS (default 560) bounds the whole; each step is skipped when too little is left for it, and each bounded by
# what is left. NIBBLE_DEVICE (default 1:0, PTX on the GPU machines) is the TornadoVM device. Results: OUT/*.json and
# OUT/*.log; OUT/summary.txt has the rows that matter.
set -u
bundle=$1 out=$2 budget=${3:-560}
device=${NIBBLE_DEVICE:-1:0}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
start=$(date +%s)
left() { echo $(( budget - ($(date +%s) - start) )); }
# run NAME NEEDS LIMIT COMMAND...: runs COMMAND in OUT (output to OUT/NAME.log) if NEEDS seconds are left, bounded by
# LIMIT or what is left
run() {
  local name=$1 needs=$2 limit=$3
  shift 3
  local l
  l=$(left)
  if [ "$l" -lt "$needs" ]; then
    echo "$name: skipped, $l s left" >> "$out/summary.txt"
    return
  fi
  [ "$l" -lt "$limit" ] && limit=$l
  (cd "$out" && timeout "$limit" "$@" > "$out/$name.log" 2>&1)
  echo "$name rc=$?" >> "$out/summary.txt"
}
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$out/gpu.txt" 2>&1
for m in "gateup 28672x4096 256:8" "down 4096x14336 128:1"; do
  set -- $m
  run "matvec-$1" 40 70 "$bundle/bin/matvec-bench" --device "$device" --shapes "$2" --configs "$3" \
    --batch 1,16,64 --fused= --warmup 3 --reps 20 --batch-rungs --out "$out/matvec-$1.json"
  grep -E " b[0-9]+ " "$out/matvec-$1.log" 2>/dev/null | sed "s/^/matvec-$1: /" >> "$out/summary.txt"
done
run generate-8b 280 320 "$bundle/bin/generate-bench" --shape llama-3.1-8b --work-dir "$out/models" \
  --device "$device" --modes bf16-device,df11-nibble,df11-device --prompt-tokens 8 --tokens 32 --warmup 1 --runs 3 \
  --out "$out/generate-8b.json"
grep -E "^(bf16|df11)-|agree|nibble layout" "$out/generate-8b.log" 2>/dev/null >> "$out/summary.txt"
run torch-step-8b 40 60 python3 "$here/torch_step_peer.py" --shape llama-3.1-8b --out "$out/torch-step-8b.json"
tail -2 "$out/torch-step-8b.log" 2>/dev/null >> "$out/summary.txt"
for mode in bf16 df11; do
  run "serve-$mode" 130 200 "$bundle/bin/serve-bench" --shape llama-3.1-8b --work-dir "$out/models" \
    --device "$device" --modes "$mode" --decode-mode nibble --concurrency 16,64 --tokens 64 --requests 1 \
    --check-prompts 8 --out "$out/serve-$mode.json"
  grep -E "^\| [A-Za-z0-9._-]+-(bf16|df11) \||invariance" "$out/serve-$mode.log" 2>/dev/null >> "$out/summary.txt"
done
cat "$out/summary.txt"
