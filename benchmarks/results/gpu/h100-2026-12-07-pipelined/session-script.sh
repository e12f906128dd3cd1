#!/usr/bin/env bash
# Device call: the pipelined staged kernel beside the planes, two-row and four-row kernels (work-items per row of the
# forward pass's launches: 64 for gate/up, 128 for down); then serving (BF16, 8B shape) with the bundled tuning table
# and with a table that names the staged kernel for every 64-work-item launch.
set -x
R=/tmp/r5; mkdir -p $R
finish() { (cd /tmp && tar czf $OUT/results.tar.gz r5); }
trap finish EXIT
mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > $R/gpu.txt
(cd $R && timeout 200 $B/bin/matvec-bench --device 1:0 --shapes 28672x4096,4096x14336 --configs 128:2,128:1,256:2 \
  --batch 1,16,64 --fused= --warmup 3 --reps 20 --batch-rungs --out $R/matvec-pipelined.json > $R/matvec-pipelined.log 2>&1)
echo "matvec rc=$?"
grep -E " b[0-9]+ |Exception|rror" $R/matvec-pipelined.log | cut -c1-110
cat > $R/tuning-staged.json <<'JSON'
{"families": [{"family": "hopper-staged", "matVec": {"local": 128, "rows": 2},
  "matVecByShape": [
    {"minCols": 8193, "local": 128, "rows": 1},
    {"minRows": 16384, "local": 256, "rows": 8, "product": "staged"},
    {"minRows": 0, "local": 128, "rows": 2, "product": "staged"}],
  "norm": 256, "attention": 128, "elementwise": 256}]}
JSON
for run in bundled staged; do
  opts=""; [ $run = staged ] && opts="-Ddf11.tuning.table=$R/tuning-staged.json"
  (cd $R && DF11_JAVA_OPTS="$opts" timeout 170 $B/bin/serve-bench --shape llama-3.1-8b --work-dir /tmp/models --device 1:0 \
    --modes bf16 --concurrency 16,64 --tokens 64 --requests 1 --check-prompts 8 --out $R/serve-$run.json \
    > $R/serve-$run.log 2>&1); echo "serve $run rc=$?"
  grep -E "^\| llama|invariance|rror|Exception" $R/serve-$run.log | head
done
