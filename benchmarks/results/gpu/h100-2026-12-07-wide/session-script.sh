#!/usr/bin/env bash
# Device call (2026-12-07, fifth session): the sixteen-token staged kernel (staged-wide) and partial tiles, per matrix
# (gate/up at its 32 work-items a row, down at 64), then serving the 8B shape with the bundled table (staged) and
# with tables naming staged-wide (down at 128 and at 64 work-items a row), BF16 and DF11.
set -x
R=/tmp/r7; mkdir -p $R
finish() { (cd /tmp && tar czf $OUT/results.tar.gz r7); }
trap finish EXIT
T0=$(date +%s); left() { echo $(( 390 - ($(date +%s) - T0) )); }
mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > $R/gpu.txt
TABLE=tornado-kernels/src/main/resources/dev/df11/tornado/forward/kernel-tuning.json
sed 's/"servingProduct": "staged"/"servingProduct": "staged-wide"/g' $TABLE > $R/tuning-wide.json
sed 's/{"when": "cols > 8192", "minCols": 8193, "local": 128, "rows": 1,/{"when": "cols > 8192", "minCols": 8193, "local": 64, "rows": 1,/' \
  $R/tuning-wide.json > $R/tuning-wide-down64.json
grep -c staged-wide $R/tuning-wide.json; grep -c '"local": 64, "rows": 1' $R/tuning-wide-down64.json
(cd $R && timeout 60 $B/bin/matvec-bench --device 1:0 --shapes 28672x4096 --configs 256:8 \
  --batch 1,15,16,64 --fused= --warmup 3 --reps 20 --batch-rungs --out $R/matvec-gateup.json > $R/matvec-gateup.log 2>&1)
echo "matvec gate/up rc=$?"; grep -E " b[0-9]+ |Exception|rror" $R/matvec-gateup.log | cut -c1-100; finish
(cd $R && timeout 50 $B/bin/matvec-bench --device 1:0 --shapes 4096x14336 --configs 128:2 \
  --batch 1,16,64 --fused= --warmup 3 --reps 20 --batch-rungs --out $R/matvec-down.json > $R/matvec-down.log 2>&1)
echo "matvec down rc=$?"; grep -E " b[0-9]+ |Exception|rror" $R/matvec-down.log | cut -c1-100; finish
serve() { # name mode table-or-empty timeout
  t=$4; [ $(left) -lt $t ] && t=$(left); [ $t -lt 40 ] && { echo "skip $1"; return; }
  opts=""; [ -n "$3" ] && opts="-Ddf11.tuning.table=$3"
  (cd $R && DF11_JAVA_OPTS="$opts" timeout $t $B/bin/serve-bench --shape llama-3.1-8b --work-dir /tmp/models --device 1:0 \
    --modes $2 --concurrency 16,64 --tokens 64 --requests 1 --check-prompts 8 --out $R/serve-$1.json > $R/serve-$1.log 2>&1)
  echo "serve $1 rc=$?"; grep -E "^\| llama|invariance|rror|Exception" $R/serve-$1.log | head; finish
}
serve bf16-bundled bf16 "" 130
serve bf16-wide-down64 bf16 $R/tuning-wide-down64.json 70
serve df11-wide-down64 df11 $R/tuning-wide-down64.json 90
serve bf16-wide bf16 $R/tuning-wide.json 80
