#!/usr/bin/env bash
# Serving throughput of a model shape (the 8B one by default) under several kernel-tuning tables, in one machine
# session:
#   benchmarks/gpu/serve_tables.sh BUNDLE OUT MODES TABLE [TABLE...]
# MODES is bf16, df11 or bf16,df11; each TABLE is a file of kernel-tuning.json's format (passed as
# -Ddf11.tuning.table) or the word "bundled". Every (table, mode) pair runs in its own serve-bench process (one model
# per process: a process that served BF16 and then loaded DF11 once died in libcuda), concurrency 16 and 64, one
# timed request of 64 tokens per client, 8 prompts checked for batch invariance; the models are written once into
# OUT/models (SERVE_MODELS names another folder). Per pair: OUT/serve-NAME-MODE.{log,json}; OUT/summary.txt has the
# table rows. SERVE_TIMEOUT (seconds, default 200) bounds each process: a DF11 run of both levels on an H100 needs
# about 120 (load 35, the prompts alone 15, then the levels), the first run also writes the models (60-80 more).
# serve-bench stops cleanly on the timeout's SIGTERM and its JSON keeps the levels that finished. SERVE_SHAPE (default
# llama-3.1-8b) and SERVE_DEVICE (default 1:0, PTX on the GPU machines) change the model shape and the TornadoVM
# device; SERVE_DECODE_MODE (auto, nibble, exact or fused; default: serve-bench's, auto) how the DF11 runs decode; DF11_JAVA_OPTS
# is kept, beside the table's property.
set -u
bundle=$1 out=$2 modes=$3
shift 3
mkdir -p "$out"
limit=${SERVE_TIMEOUT:-200} shape=${SERVE_SHAPE:-llama-3.1-8b} device=${SERVE_DEVICE:-1:0}
models=${SERVE_MODELS:-$out/models}
decode=()
[ -n "${SERVE_DECODE_MODE:-}" ] && decode=(--decode-mode "$SERVE_DECODE_MODE")
for table in "$@"; do
  name=$(basename "$table" .json)
  opts="${DF11_JAVA_OPTS:-}"
  [ "$table" != bundled ] && opts="$opts -Ddf11.tuning.table=$(realpath "$table")"
  for mode in ${modes//,/ }; do
    (cd "$out" && DF11_JAVA_OPTS="$opts" timeout "$limit" "$bundle/bin/serve-bench" --shape "$shape" \
      --work-dir "$models" --device "$device" --modes "$mode" ${decode[@]+"${decode[@]}"} --concurrency 16,64 \
      --tokens 64 --requests 1 \
      --check-prompts 8 --out "$out/serve-$name-$mode.json" > "$out/serve-$name-$mode.log" 2>&1)
    echo "$name $mode rc=$?" >> "$out/summary.txt"
    grep -E "^\| [A-Za-z0-9._-]+-(bf16|df11) \||invariance" "$out/serve-$name-$mode.log" \
      | sed "s/^/$name: /" >> "$out/summary.txt"
  done
done
cat "$out/summary.txt"
