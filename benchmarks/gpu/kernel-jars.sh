#!/usr/bin/env bash
# Two builds of the GPU kernels in one machine session, so a kernel change is timed beside its baseline:
#   benchmarks/gpu/kernel-jars.sh BUNDLE OUT BASE_JAR CANDIDATE_JAR [what...]
# BASE_JAR and CANDIDATE_JAR are df11-tornado-kernels.jar files (tornado-kernels/target/ of two commits); each runs in
# a hard-linked copy of BUNDLE with that jar in place of the bundle's own (the rest of the bundle, the kernel lab
# included, is shared, so the two commits must not differ outside tornado-kernels).
#   what: matvec  matvec-bench on PTX (1:0), the planes and fused product kernels, base then candidate then base
#                 again (the first launches of a process run at lower clocks), MATVEC_SHAPES (default the gate|up
#                 matrix 28672x4096), MATVEC_BATCHES (default 1,16,64), launch 128:2; the candidate also with
#                 MATVEC_EXTRA (default none; e.g. --batch-rungs for the kernels serving several rows per
#                 work-item, checked bit for bit)
#         serve   serve-bench on the 8B shape on PTX, each of SERVE_MODES (default "bf16 df11"; DF11 decoded per
#                 SERVE_DECODE, default exact) in its own process, candidate then base, at concurrency
#                 SERVE_CONCURRENCY (default 16,64), one timed request of 64 tokens per client; each process is cut
#                 after SERVE_TIMEOUT seconds (default 600)
# Logs and JSON land in OUT. Default what: matvec serve. KERNEL_JARS_DEVICE picks another device (default 1:0).
set -u
device=${KERNEL_JARS_DEVICE:-1:0}   # TornadoVM device, B:D; 1:0 is PTX on the GPU machines
bundle=$1 out=$2 base_jar=$3 candidate_jar=$4
shift 4
what=("$@"); [ ${#what[@]} -eq 0 ] && what=(matvec serve)
mkdir -p "$out"
copies=$(mktemp -d)
for v in base candidate; do
  jar=$base_jar; [ $v = candidate ] && jar=$candidate_jar
  [ -f "$jar" ] || { echo "kernel-jars.sh: $jar is missing" >&2; exit 2; }
  cp -al "$bundle" "$copies/$v"
  rm "$copies/$v/lib/df11-tornado-kernels.jar"
  cp "$jar" "$copies/$v/lib/df11-tornado-kernels.jar"
done
mv_args=(--device "$device" --shapes "${MATVEC_SHAPES:-28672x4096}" --configs 128:2 --batch "${MATVEC_BATCHES:-1,16,64}"
  --fused=product --warmup 3 --reps 20)
for w in "${what[@]}"; do
  case "$w" in
    matvec)
      for run in base candidate base2; do
        v=${run%2}; extra=(); [ $v = candidate ] && extra=(${MATVEC_EXTRA:-})
        (cd "$out" && "$copies/$v/bin/matvec-bench" "${mv_args[@]}" "${extra[@]}" --out "$out/matvec-$run.json") \
          > "$out/matvec-$run.log" 2>&1
        echo "matvec $run rc=$?"
        grep -E " b[0-9]+ " "$out/matvec-$run.log" | cut -c1-150
      done;;
    serve)
      for mode in ${SERVE_MODES:-bf16 df11}; do
        for v in candidate base; do
          (cd "$out" && timeout "${SERVE_TIMEOUT:-600}" "$copies/$v/bin/serve-bench" --shape llama-3.1-8b \
            --work-dir "${DF11_BENCH_WORK:-/tmp/df11-bench-models}" --device "$device" --modes "$mode" \
            --decode-mode "${SERVE_DECODE:-exact}" --concurrency "${SERVE_CONCURRENCY:-16,64}" --tokens 64 --requests 1 \
            --out "$out/serve-$v-$mode.json") > "$out/serve-$v-$mode.log" 2>&1
          echo "serve $v $mode rc=$?"
          grep -vE "^WARNING" "$out/serve-$v-$mode.log" | tail -8
        done
      done;;
    *) echo "unknown: $w" >&2; exit 2;;
  esac
done
rm -rf "$copies"
