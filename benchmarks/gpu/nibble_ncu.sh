#!/usr/bin/env bash
# The nibble forms against their BF16 forms under the profiler, in one call (KERNEL-NOTES, "The nibble layout"; run in
# the eighth session, when it found the escape code's cost; the escape code is gone since the tail order):
#   benchmarks/gpu/nibble_ncu.sh BUNDLE OUT
# 1. matvec-bench on the 8B gate|up matrix (28,672 x 4,096) at 256:8, batches 1 and 16: every product kernel on the
#    plain BF16 table, with its tail task, and its nibble form with the tail task (checked bit for bit against the
#    tail row); then the same on narrow weights (matvec-bench --weights narrow: exponents spanning exactly the fifteen
#    codes, an empty tail);
# 2. ncu on the staged kernel and its nibble form at batch 1 (speed of light, occupancy, launch, warp states,
#    scheduler and instruction statistics; --clock-control none), the report as OUT/ncu.ncu-rep and OUT/ncu.txt.
# The rows that matter are printed at the end. About 5 minutes on an H100. Everything it writes ends up in one
# archive, OUT/nibble-ncu.tar.gz: a device call returns only a few files (the first run lost its ncu report that way).
set -u
bundle=$1 out=$2
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$out/gpu.txt" 2>&1
(cd "$out" && timeout 90 "$bundle/bin/matvec-bench" --device 1:0 --shapes 28672x4096 --configs 256:8 --batch 1,16 \
  --fused= --warmup 3 --reps 20 --batch-rungs --out "$out/matvec-gateup.json") > "$out/matvec-gateup.log" 2>&1
echo "matvec rc=$?"
grep -E " b[0-9]+ " "$out/matvec-gateup.log"
(cd "$out" && timeout 90 "$bundle/bin/matvec-bench" --device 1:0 --shapes 28672x4096 --configs 256:8 --batch 1,16 \
  --fused= --warmup 3 --reps 20 --batch-rungs --weights narrow --out "$out/matvec-gateup-narrow.json") \
  > "$out/matvec-gateup-narrow.log" 2>&1
echo "matvec narrow rc=$?"
grep -E " b[0-9]+ " "$out/matvec-gateup-narrow.log"
(cd "$out" && timeout 200 ncu --clock-control none -k 'regex:matvecstaged(nibbles)?_uk' -c 6 \
  --section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats \
  --section SchedulerStats --section InstructionStats -o "$out/ncu" \
  "$bundle/bin/matvec-bench" --device 1:0 --shapes 28672x4096 --configs 256:8 --fused= --batch 1 --batch-rungs \
  --warmup 1 --reps 1) > "$out/ncu.log" 2>&1
echo "ncu rc=$?"
timeout 60 ncu --import "$out/ncu.ncu-rep" --page details > "$out/ncu.txt" 2>&1
grep -E "^  mv|Duration|Registers Per|Achieved Occupancy|Theoretical Occupancy|DRAM Throughput|Issue Slots Busy|Warp Cycles Per Issued|Executed Instructions  |No Eligible" \
  "$out/ncu.txt" | head -80
archive=$(mktemp -d)/nibble-ncu.tar.gz
tar -czf "$archive" -C "$out" . && find "$out" -mindepth 1 -delete && mv "$archive" "$out/"
