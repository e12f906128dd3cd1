#!/usr/bin/env bash
# Where a generated token's time goes on a GPU, per decode mode, in one call:
#   benchmarks/gpu/generation_check.sh BUNDLE OUT
# 1. generate-bench --profile on the shape (default llama-3.1-8b) with BF16 resident, DF11 nibble and DF11 exact in one
#    process: each kernel kind's device time per token (TornadoVM's profiler, no CUDA graphs), and the three modes'
#    greedy tokens compared;
# 2. generate-bench without the profiler (CUDA graphs), the same modes, median of 3 runs: tokens/s;
# 3. the PyTorch/cuBLAS peer step on the same shape (torch_step_peer.py), if time is left.
# The models are written once into /tmp/df11-models. Everything ends up in OUT/generation-check.tar.gz, rewritten after
# each step and every 30 s (lib/archive.sh). GEN_CHECK_BUDGET (seconds, default 570) bounds the whole, GEN_SHAPE the
# shape, GEN_MODES the modes (default bf16-device,df11-nibble,df11-device), GEN_DEVICE the device (default 1:0).
set -u
bundle=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
budget=${GEN_CHECK_BUDGET:-570} shape=${GEN_SHAPE:-llama-3.1-8b} device=${GEN_DEVICE:-1:0}
modes=${GEN_MODES:-bf16-device,df11-nibble,df11-device}
work=$(mktemp -d)
. "$here/lib/archive.sh"
archive_start "$out" generation-check "$work"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$work/gpu.txt" 2>&1
left() { echo $(( budget - ($(date +%s) - start) )); }
generate() { # NAME ARGS...
  local name=$1
  shift
  timeout "$(left)" "$bundle/bin/generate-bench" --shape "$shape" --work-dir /tmp/df11-models --device "$device" \
    --prompt-tokens 8 --modes "$modes" --out "$work/$name.json" "$@" > "$work/$name.log" 2>&1
  echo "$name rc=$?"
  grep -v "ERROR\|^WARNING\|^\s*at \|^#" "$work/$name.log" | tail -40
  archive_save
}
generate gen-profile --profile --tokens 16 --warmup 1 --runs 1
generate gen-plain --tokens 32 --warmup 1 --runs 3
if [ "$(left)" -gt 30 ]; then
  timeout $(( $(left) - 5 )) python3 "$here/torch_step_peer.py" --shape "$shape" --out "$work/torch-step.json" \
    > "$work/torch-step.log" 2>&1
  tail -2 "$work/torch-step.log"
fi
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv >> "$work/gpu.txt"
archive_stop && rm -rf "$work"
echo "elapsed $(( $(date +%s) - start )) s"
