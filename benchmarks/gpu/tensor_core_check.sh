#!/usr/bin/env bash
# The tensor-core product on a GPU, in one call (tornado-kernels/KERNEL-NOTES.md, "Tensor cores for serving": the next
# call):
#   benchmarks/gpu/tensor_core_check.sh BUNDLE OUT
# 1. matvec-bench --tensor-cores on gate|up (28,672 x 4,096) and down (4,096 x 14,336) at batches 1, 9, 16 and 64:
#    the tensor-core product and its nibble form (checked within 1e-3 of float64, each row's largest error printed,
#    the nibble form bit for bit against the planes form) beside the planes kernel and the staged serving kernel;
# 2. serve-bench on the 1B shape with the tensor cores (benchmarks/gpu/tables/hopper-tensor-cores.json) and with the
#    bundled table, BF16 and DF11 nibble: batch invariance and DF11 = BF16 over whole steps, 16 and 64 concurrent
#    requests, and the tensor cores' greedy tokens against the CUDA cores' (lib/compare_tokens.py);
# 3. if time is left, the 8B shape, BF16, with the tensor cores and with the bundled table (the staged kernel).
# Everything ends up in OUT/tensor-core-check.tar.gz, rewritten after each step and every 30 s (lib/archive.sh).
# TC_CHECK_BUDGET (seconds, default 570) bounds the whole.
set -u
bundle=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
budget=${TC_CHECK_BUDGET:-570}
work=$(mktemp -d)
. "$here/lib/archive.sh"
archive_start "$out" tensor-core-check "$work"
left() { echo $(( budget - ($(date +%s) - start) )); }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$work/gpu.txt" 2>&1
(cd "$work" && timeout 200 "$bundle/bin/matvec-bench" --device 1:0 --shapes 28672x4096,4096x14336 \
  --configs 128:1,256:8 --batch 1,9,16,64 --fused= --batch-rungs --tensor-cores --warmup 3 --reps 20 \
  --out "$work/matvec.json") > "$work/matvec.log" 2>&1
echo "matvec-bench rc=$?"
grep -E "^measured: .*(tensor-cores|staged .* b|128:1 b)" "$work/matvec.log" | cut -c1-270
archive_save
tables=$here/tables/hopper-tensor-cores.json
export SERVE_MODELS=/tmp/df11-serve-models   # outside the archived folder
SERVE_SHAPE=llama-3.2-1b SERVE_DECODE_MODE=nibble SERVE_TIMEOUT=90 \
  timeout 300 "$here/serve_tables.sh" "$bundle" "$work/serve-1b" bf16,df11 "$tables" bundled | tail -12
for mode in bf16 df11; do   # the tensor cores' tokens against the CUDA cores' (garbage agrees on none)
  python3 "$here/lib/compare_tokens.py" "$work/serve-1b/serve-hopper-tensor-cores-$mode.json" \
    "$work/serve-1b/serve-bundled-$mode.json" 2>&1 | tee -a "$work/serve-1b/summary.txt"
done
archive_save
if [ "$(left)" -gt 240 ]; then
  SERVE_TIMEOUT=$(( ($(left) - 20) / 2 )) timeout $(( $(left) - 10 )) "$here/serve_tables.sh" "$bundle" \
    "$work/serve-8b" bf16 "$tables" bundled | tail -8
fi
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv >> "$work/gpu.txt"
archive_stop && rm -rf "$work"
echo "elapsed $(( $(date +%s) - start )) s"
