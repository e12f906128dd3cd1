#!/usr/bin/env bash
# Device call: the two-slot staged kernel on down (128 work-items a row); serving with the bundled table (staged at 64
# work-items a row) in DF11, and with down staged too (BF16 and DF11); batch-1 generation before/after the staged table.
set -x
R=/tmp/r6; mkdir -p $R
finish() { (cd /tmp && tar czf $OUT/results.tar.gz r6); }
trap finish EXIT
mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > $R/gpu.txt
cp tuning-old.json $R/tuning-before.json
sed 's/{"when": "cols > 8192", "minCols": 8193, "local": 128, "rows": 1}/{"when": "cols > 8192", "minCols": 8193, "local": 128, "rows": 1, "product": "staged"}/' \
  tornado-kernels/src/main/resources/dev/df11/tornado/forward/kernel-tuning.json > $R/tuning-down-staged.json
grep -c '"rows": 1, "product": "staged"' $R/tuning-down-staged.json
(cd $R && timeout 70 $B/bin/matvec-bench --device 1:0 --shapes 4096x14336 --configs 128:1,256:2 \
  --batch 1,16,64 --fused= --warmup 3 --reps 20 --batch-rungs --out $R/matvec-down.json > $R/matvec-down.log 2>&1)
echo "matvec rc=$?"; grep -E " b[0-9]+ |Exception|rror" $R/matvec-down.log | cut -c1-110; finish
serve() { # name mode table-or-empty timeout
  opts=""; [ -n "$3" ] && opts="-Ddf11.tuning.table=$3"
  (cd $R && DF11_JAVA_OPTS="$opts" timeout $4 $B/bin/serve-bench --shape llama-3.1-8b --work-dir /tmp/models --device 1:0 \
    --modes $2 --concurrency 16,64 --tokens 64 --requests 1 --check-prompts 8 --out $R/serve-$1.json > $R/serve-$1.log 2>&1)
  echo "serve $1 rc=$?"; grep -E "^\| llama|invariance|rror|Exception" $R/serve-$1.log | head; finish
}
serve df11 df11 "" 160
serve bf16-down-staged bf16 $R/tuning-down-staged.json 90
serve df11-down-staged df11 $R/tuning-down-staged.json 90
for t in before after; do
  opts=""; [ $t = before ] && opts="-Ddf11.tuning.table=$R/tuning-before.json"
  (cd $R && DF11_JAVA_OPTS="$opts" timeout 70 $B/bin/generate-bench --shape llama-3.1-8b --work-dir /tmp/models --device 1:0 \
    --modes bf16-device --prompt-tokens 8 --tokens 32 --warmup 1 --runs 3 --out $R/generate-$t.json > $R/generate-$t.log 2>&1)
  echo "generate $t rc=$?"; grep -vE "WARNING" $R/generate-$t.log | tail -5
done
