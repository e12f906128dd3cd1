#!/usr/bin/env bash
# Where a generated token's time goes on a GPU, per decode mode, in one call:
#   benchmarks/gpu/generation_check.sh BUNDLE OUT
# 1. generate-bench --profile on the shape (default llama-3.1-8b) with BF16 resident, DF11 nibble and DF11 exact in one
#    process: each kernel kind's device time per token (TornadoVM's profiler, no CUDA graphs), and the three modes'
#    greedy tokens compared;
# 2. generate-bench without the profiler (CUDA graphs), the same modes, median of 3 runs: tokens/s;
# 3. the PyTorch/cuBLAS peer step on the same shape (torch_step_peer.py), if time is left;
# 4. for each tuning table in GEN_TABLES (default: tables/hopper-tail-task.json, each product's tail as a launch of its
#    own as before the fold, then tables/hopper-norm1024.json, the norms on groups of 1,024; empty: none), BF16 alone,
#    plain (GEN_TABLE_PROFILE=1: profiled too), to set beside step 2 (the same bits: only the time may move);
# 5. if time is left, matvec-bench's fp16 rungs (--half, HalfPlaneKernels) on gate|up, down and q|k|v at batch 1,
#    checked bit for bit against the planes kernel with the tail at the same launches: whether one fp16 conversion a
#    weight lifts the products off their instruction bound;
# 6. if time is left, matvec-bench on q|k|v (6,144 x 4,096) and o (4,096 x 4,096) at batch 1 over several launches:
#    the products furthest from the peer's bandwidth.
# The models are written once into /tmp/df11-models. Everything ends up in OUT/generation-check.tar.gz, rewritten after
# each step and every 30 s (lib/archive.sh). GEN_CHECK_BUDGET (seconds, default 570) bounds the whole, GEN_SHAPE the
# shape, GEN_MODES the modes (default bf16-device,df11-nibble,df11-device), GEN_DEVICE the device (default 1:0).
set -u
bundle=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
budget=${GEN_CHECK_BUDGET:-570} shape=${GEN_SHAPE:-llama-3.1-8b} device=${GEN_DEVICE:-1:0}
modes=${GEN_MODES:-bf16-device,df11-nibble,df11-device}
tables=${GEN_TABLES-$here/tables/hopper-tail-task.json $here/tables/hopper-norm1024.json}
work=$(mktemp -d)
. "$here/lib/archive.sh"
archive_start "$out" generation-check "$work"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$work/gpu.txt" 2>&1
left() { echo $(( budget - ($(date +%s) - start) )); }
generate() { # NAME ARGS...
  local name=$1
  shift
  if [ "$(left)" -lt 30 ]; then
    echo "$name: skipped, $(left) s of the budget left"
    return
  fi
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
for table in $tables; do   # each other table: BF16 only, plain (and profiled with GEN_TABLE_PROFILE=1)
  name=$(basename "$table" .json)
  opts="${DF11_JAVA_OPTS:-} -Ddf11.tuning.table=$(realpath "$table")"
  DF11_JAVA_OPTS="$opts" modes=bf16-device generate "gen-plain-$name" --tokens 32 --warmup 1 --runs 3
  if [ "${GEN_TABLE_PROFILE:-0}" = 1 ]; then
    DF11_JAVA_OPTS="$opts" modes=bf16-device generate "gen-profile-$name" --profile --tokens 16 --warmup 1 --runs 1
  fi
done
# matvec-bench's rows are printed and saved as they come; a lab rung the backend cannot build fails (no fallback to
# sequential Java) and is recorded, and the other rows go on.
lab_opts="${DF11_JAVA_OPTS:-} -Dtornado.recover.bailout=False"
if [ "$(left)" -gt 90 ]; then   # the fp16 rungs against the planes kernel with the tail, batch 1
  (cd "$work" && DF11_JAVA_OPTS="$lab_opts" timeout $(( $(left) > 150 ? 140 : $(left) - 10 )) \
    "$bundle/bin/matvec-bench" --device "$device" --shapes 28672x4096,4096x14336,6144x4096 \
    --configs 128:1,128:2,256:4 --batch 1 --half --no-nibble --fused= --warmup 3 --reps 20 \
    --out "$work/matvec-half.json") > "$work/matvec-half.log" 2>&1
  echo "matvec-half rc=$?"
  grep -E "^measured: | failed: " "$work/matvec-half.log" | cut -c1-140
  archive_save
fi
if [ "$(left)" -gt 60 ]; then   # the narrow products (q|k|v, o), furthest from the peer: every launch at batch 1
  (cd "$work" && DF11_JAVA_OPTS="$lab_opts" timeout $(( $(left) - 10 )) "$bundle/bin/matvec-bench" \
    --device "$device" --shapes 6144x4096,4096x4096 --configs 64:1,128:1,128:2,256:2,256:4,256:8 --batch 1 \
    --batch-rungs --half --fused= --warmup 3 --reps 20 --out "$work/matvec-narrow.json") \
    > "$work/matvec-narrow.log" 2>&1
  echo "matvec-narrow rc=$?"
  grep -E "^measured: | failed: " "$work/matvec-narrow.log" | cut -c1-140
  archive_save
fi
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv >> "$work/gpu.txt"
archive_stop && rm -rf "$work"
echo "elapsed $(( $(date +%s) - start )) s"
