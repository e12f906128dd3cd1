#!/usr/bin/env bash
# session 23, one call: 8B streaming on PTX (peak RSS), matvec --long, bench-report quick (PTX only)
set -u
T0=$(date +%s)
O=$OUT/r; mkdir -p $O
B=/tmp/b/df11-bundle
mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv > $O/gpu.txt
el() { echo "[$(( $(date +%s) - T0 )) s] $*" | tee -a $O/summary.txt; }
W=/tmp/df11-bench-models
M=(--shape llama-3.1-8b --work-dir $W --device 1:0 --prompt-tokens 4)
( timeout 170 $B/bin/generate-bench "${M[@]}" --modes df11-device --warmup 0 --runs 1 --tokens 2 ) > $O/prepare.log 2>&1
el "prepare rc=$?"
for n in df11-device:true bf16-device:true df11-device:false; do
  mode=${n%:*}; st=${n#*:}; f=$mode-stream-$st
  ( DF11_JAVA_OPTS=-Ddf11.tornado.streamWeights=$st timeout 80 benchmarks/gpu/peak-rss.sh $B/bin/generate-bench "${M[@]}" --tokens 32 --warmup 1 --runs 2 --modes $mode --out $O/$f.json ) > $O/$f.log 2>&1
  el "$f rc=$?"; grep -A1 "load s" $O/$f.log >> $O/summary.txt; tail -1 $O/$f.log >> $O/summary.txt
done
rm -rf $W
( cd $O && timeout 60 $B/bin/matvec-bench --device 1:0 --shapes 28672x4096,128256x4096 --configs 64:2,128:2 --fused= --long --batch 1 --warmup 5 --reps 30 --out $O/matvec-long-ptx.json ) > $O/matvec-long-ptx.log 2>&1
el "matvec rc=$?"
grep -vE "^WARNING" $O/matvec-long-ptx.log | tail -16
sed -i 's/^tornado.backends=.*/tornado.backends=ptx-backend/' $B/tornado-sdk/etc/tornado.backend
left=$(( 585 - ($(date +%s) - T0) ))
( JAVA_HOME=$B/runtime timeout $left scripts/bench-report.sh --bundle $B --no-cpu --classpath dist/benchmarks-slim.jar:$B/lib/df11.jar --out /tmp/rep --title "df11 quick report, GPU host" ) > $O/bench-report.log 2>&1
el "bench-report rc=$? (limit $left s)"
tail -8 $O/bench-report.log
rm -rf /tmp/rep/models /tmp/rep/unit; cp -r /tmp/rep $OUT/report 2>/dev/null
cat $O/summary.txt
