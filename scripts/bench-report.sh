#!/usr/bin/env bash
# One command, one report: runs the benchmark suites on every backend this machine has, then renders the report
# (report.html, self-contained; report.md, its Markdown twin; charts/*.png) from the JSON the suites wrote.
# A backend that is missing is not a failure: the report says "not present: BACKEND (reason)".
#
#   scripts/bench-report.sh [--full] [--out DIR] [--bundle DIR] [--official-dfloat11 PATH] [--shape SHAPE] [--no-cpu]
#                           [--classpath CP] [--no-render]
#   scripts/bench-report.sh --render-only --out DIR RESULT.json|FOLDER ...    # a run made elsewhere
#
#   --out DIR                 where the results (DIR/results/*.json) and the report go
#                             (default benchmarks/target/report-<UTC time>)
#   --full                    the real sizes (JMH defaults; 128M-element decode tensor, every matrix-vector shape,
#                             generation on --shape); default: a quick run at small sizes, for a look, not for numbers
#   --bundle DIR              a df11 bundle (scripts/bundle.sh) whose bin/decode-bench, matvec-bench and
#                             generate-bench run the TornadoVM suites; default: built from $TORNADO_SDK when it is set
#   --official-dfloat11 PATH  a checkout or install of LeanModels/DFloat11 (never copied here): its decode.cu is timed
#                             on the same unit by benchmarks/gpu/official_decode_baseline.py (needs python3 with
#                             torch, cupy and safetensors, and a CUDA GPU)
#   --shape SHAPE             generate-bench's synthetic shape for the TornadoVM generation suite, context-bench
#                             and the PyTorch peers (default: tiny quick, llama-3.1-8b with --full)
#   --big-shape SHAPE         also the model that does not fit (issue 14 item 3), e.g. llama-44b: DF11 resident made
#                             in memory (generate-bench --in-memory, context-bench --in-memory) on PTX, and the PyTorch
#                             BF16 offload peer of the same shape (needs ~90 GB of host RAM; DF11_HEAP, see the docs)
#   --no-cpu                  skip the CPU suites (the report lists them as not run); e.g. on a GPU host whose CPU
#                             numbers were taken elsewhere, or that cannot fetch stories15M
#   --classpath CP            run the report's Java code (JMH suites, the renderer) from CP, a prebuilt
#                             benchmarks/target/benchmarks.jar or an equal class path, instead of building it with
#                             Maven: for a host with a JDK 25 (JAVA_HOME, e.g. a bundle's runtime/) but no Maven
#   --no-render               write the results (DIR/results) but not the report, e.g. on a host without fonts;
#                             render them elsewhere with --render-only
#   --title TEXT              the page title
#   --render-only             run nothing; render the given result files and folders into --out
#
# Suites: CPU (JMH, Vector API; 1 thread and all cores): DF11 decode/encode beside zstd, exact sizes (CodecSizes),
# matrix-vector against a plain memory read, stories15M generation in BF16 and DF11. TornadoVM OpenCL and PTX (each
# backend the SDK lists): decode-bench, matvec-bench, generate-bench and context-bench (one mode per process), and
# serve-bench (batched generation: tokens/s at each concurrency level, BF16 and DF11). The
# PyTorch/cuBLAS peers (benchmarks/gpu/torch_step_peer.py, torch_offload_peer.py) where python3 has CUDA torch. The
# official DFloat11 kernel with --official-dfloat11. docs/benchmark-report.md describes the result formats and the
# report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/jdk.sh"
cd "$root"

full=false; out=""; bundle="${DF11_BUNDLE:-}"; official=""; shape=""; big_shape=""; render_only=false
cpu=true; classpath=""; render_report=true
title="df11 benchmark report"
inputs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --full) full=true; shift;;
    --out) out="$2"; shift 2;;
    --bundle) bundle="$2"; shift 2;;
    --official-dfloat11) official="$2"; shift 2;;
    --shape) shape="$2"; shift 2;;
    --big-shape) big_shape="$2"; shift 2;;
    --title) title="$2"; shift 2;;
    --no-cpu) cpu=false; shift;;
    --no-render) render_report=false; shift;;
    --classpath) classpath="$2"; shift 2;;
    --render-only) render_only=true; shift;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0;;
    -*) echo "bench-report: unknown option $1 (see --help)" >&2; exit 2;;
    *) inputs+=("$1"); shift;;
  esac
done
fail() { echo "bench-report: $*" >&2; exit 1; }
out="${out:-benchmarks/target/report-$(date -u +%Y%m%dT%H%MZ)}"
if ! $render_only && [ ${#inputs[@]} -gt 0 ]; then
  fail "result files are rendered only with --render-only (got ${inputs[*]})"
fi

if [ -n "$classpath" ]; then
  jar="$classpath"
  IFS=: read -r -a cp_parts <<< "$classpath"
  for part in "${cp_parts[@]}"; do [ -e "$part" ] || fail "--classpath: $part does not exist"; done
else
  echo "bench-report: building benchmarks/target/benchmarks.jar" >&2
  mvn -B -q -ntp package -DskipTests -pl benchmarks -am
  jar=benchmarks/target/benchmarks.jar
fi
java_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true)

render() {
  java "${java_flags[@]}" -cp "$jar" dev.df11.bench.report.ReportCommand --out "$out" --title "$title" \
    ${generated_by:+--generated-by "$generated_by"} "$@" 2> >(grep -v "^WARNING: Using incubator modules" >&2)
}

# Drawing the charts needs fonts; find out before the suites rather than after an hour of them (a --render-only
# run learns it from the renderer itself, which checks first).
if ! $render_only && $render_report; then
  java "${java_flags[@]}" -cp "$jar" dev.df11.bench.report.ReportCommand --check-fonts \
    2> >(grep -v "^WARNING: Using incubator modules" >&2) || exit 1
fi

if $render_only; then
  [ ${#inputs[@]} -gt 0 ] || fail "--render-only needs result files or folders"
  render "${inputs[@]}"
  exit 0
fi

results="$out/results"
mkdir -p "$results"
absent=()     # "backend|reason"
notes=()

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- CPU: unless --no-cpu ----
if $cpu; then
  export DF11_STORIES15M_DIR="${DF11_STORIES15M_DIR:-$("$root/scripts/fetch-stories15M.sh" --print-dir)}"
  if $full; then
    jmh_quick=(); codec_data=(); matvec_shapes=()
  else
    jmh_quick=(-f 1 -wi 1 -i 3 -w 1s -r 1s)
    codec_data=(-p data=gaussian16M)
    matvec_shapes=(-p shape=2048x2048)
    notes+=("Quick run (no --full): JMH 1 warm-up + 3 measured iterations of 1 s, one data set and one matrix shape; for a look at the pipeline, not for numbers to quote.")
  fi
  jmh() {  # NAME PATTERN [JMH options]
    local name="$1"; shift
    echo "bench-report: CPU suite $name" >&2
    java -cp "$jar" org.openjdk.jmh.Main "$@" ${jmh_quick[@]+"${jmh_quick[@]}"} -rf json -rff "$results/cpu-$name.json" \
      > "$results/cpu-$name.txt" 2>&1 || fail "the CPU suite $name failed; its output: $results/cpu-$name.txt"
  }
  jmh decode 'dev.df11.bench.codec.Df11DecodeBenchmark' ${codec_data[@]+"${codec_data[@]}"}
  jmh encode 'dev.df11.bench.codec.Df11EncodeBenchmark' ${codec_data[@]+"${codec_data[@]}"}
  jmh zstd 'dev.df11.bench.codec.ZstdBaselineBenchmark' ${codec_data[@]+"${codec_data[@]}"}
  jmh matvec 'dev.df11.bench.runtime.MatVecBandwidthBenchmark' -p threads=1,"$(nproc)" ${matvec_shapes[@]+"${matvec_shapes[@]}"}
  jmh generation 'dev.df11.bench.runtime.GenerationBenchmark'
  echo "bench-report: codec sizes" >&2
  if $full; then sizes=(gaussian16M stories15M); else sizes=(gaussian16M); fi
  java "${java_flags[@]}" -cp "$jar" dev.df11.bench.codec.CodecSizes "$results/codec-sizes.json" "${sizes[@]}" \
    2> >(grep -v "^WARNING: Using incubator modules" >&2)
else
  absent+=("CPU (Vector API)|not run: --no-cpu")
fi

# ---- TornadoVM: OpenCL and PTX, where a bundle or an SDK is there ----
if [ -z "$bundle" ] && [ -n "${TORNADO_SDK:-}" ]; then
  echo "bench-report: building a bundle from TORNADO_SDK=$TORNADO_SDK" >&2
  mvn -B -q -ntp package -DskipTests -pl runtime,tornado-kernels,kernel-lab -am
  scripts/bundle.sh --out dist/df11-bundle
  bundle=dist/df11-bundle
fi
unit_dir=""
if [ -z "$bundle" ]; then
  absent+=("TornadoVM OpenCL|TORNADO_SDK not set and no --bundle" "TornadoVM PTX|TORNADO_SDK not set and no --bundle")
else
  [ -x "$bundle/bin/decode-bench" ] || fail "$bundle is not a df11 bundle with the benchmark launchers (bin/decode-bench); build one with scripts/bundle.sh"
  backends=$(sed -n 's/^tornado.backends *= *//p' "$bundle/tornado-sdk/etc/tornado.backend" 2>/dev/null || true)
  backends="${backends:-opencl-backend}"
  IFS=, read -r -a backend_list <<< "$backends"
  for want in opencl-backend ptx-backend; do
    case ",$backends," in *",$want,"*) ;; *)
      absent+=("TornadoVM $( [ $want = ptx-backend ] && echo PTX || echo OpenCL)|not in the bundle's TornadoVM SDK (etc/tornado.backend: $backends)");;
    esac
  done
  if $full; then
    dec=(--elements 134217728 --reps 50); mv=(); gen=(--shape "${shape:-llama-3.1-8b}" --tokens 32 --prompt-tokens 4 --runs 3 --warmup 1)
    ctx=(--shape "${shape:-llama-3.1-8b}")
    srv=(--shape "${shape:-llama-3.1-8b}" --concurrency 1,4,16,64)
  else
    dec=(--elements 4194304 --reps 10); mv=(--shapes 4096x4096 --configs 128:2 --reps 10)
    gen=(--shape "${shape:-tiny}" --tokens 8 --prompt-tokens 4 --runs 2 --warmup 1)
    ctx=(--shape "${shape:-tiny}" --probe-context 64 --max-context 4096 --steps 1)
    srv=(--shape "${shape:-tiny}" --concurrency 1,4 --tokens 8 --requests 1 --check-prompts 2)
  fi
  for i in "${!backend_list[@]}"; do
    b="${backend_list[$i]// /}"
    echo "bench-report: TornadoVM $b (device $i:0)" >&2
    extra=()
    [ -z "$unit_dir" ] && { unit_dir="$out/unit"; extra=(--write-unit "$unit_dir"); }
    "$bundle/bin/decode-bench" --device "$i:0" "${dec[@]}" ${extra[@]+"${extra[@]}"} --out "$results/tornado-$b-decode.json" \
      > "$results/tornado-$b-decode.txt" 2>&1 || fail "decode-bench on $b failed; its output: $results/tornado-$b-decode.txt"
    "$bundle/bin/matvec-bench" --device "$i:0" ${mv[@]+"${mv[@]}"} --out "$results/tornado-$b-matvec.json" \
      > "$results/tornado-$b-matvec.txt" 2>&1 || fail "matvec-bench on $b failed; its output: $results/tornado-$b-matvec.txt"
    for mode in bf16-device df11-device bf16-host; do   # one mode per process: clean device-memory numbers
      "$bundle/bin/generate-bench" --device "$i:0" "${gen[@]}" --work-dir "$out/models" --modes "$mode" \
        --out "$results/tornado-$b-generate-$mode.json" > "$results/tornado-$b-generate-$mode.txt" 2>&1 \
        || fail "generate-bench $mode on $b failed; its output: $results/tornado-$b-generate-$mode.txt"
      [ "$mode" = bf16-host ] && continue   # context under a budget: the resident modes
      "$bundle/bin/context-bench" --device "$i:0" "${ctx[@]}" --work-dir "$out/models" --modes "$mode" \
        --out "$results/tornado-$b-context-$mode.json" > "$results/tornado-$b-context-$mode.txt" 2>&1 \
        || fail "context-bench $mode on $b failed; its output: $results/tornado-$b-context-$mode.txt"
    done
    # batched generation: df11 serve's continuous batching at each concurrency level, BF16 and DF11 in one process
    "$bundle/bin/serve-bench" --device "$i:0" "${srv[@]}" --work-dir "$out/models" \
      --out "$results/tornado-$b-serve.json" > "$results/tornado-$b-serve.txt" 2>&1 \
      || fail "serve-bench on $b failed; its output: $results/tornado-$b-serve.txt"
    if [ -n "$big_shape" ] && [ "$b" = ptx-backend ]; then   # the model that does not fit: DF11 made in memory
      echo "bench-report: $big_shape DF11 resident (in memory) on $b" >&2
      DF11_HEAP="${DF11_HEAP:-32g}" "$bundle/bin/generate-bench" --device "$i:0" --shape "$big_shape" --in-memory --modes df11-device \
        --tokens 16 --prompt-tokens 4 --runs 3 --warmup 1 --out "$results/tornado-$b-generate-$big_shape-df11-device.json" \
        > "$results/tornado-$b-generate-$big_shape.txt" 2>&1 \
        || fail "generate-bench --in-memory $big_shape failed; its output: $results/tornado-$b-generate-$big_shape.txt"
      DF11_HEAP="${DF11_HEAP:-32g}" "$bundle/bin/context-bench" --device "$i:0" --shape "$big_shape" --in-memory \
        --modes df11-device --out "$results/tornado-$b-context-$big_shape-df11-device.json" \
        > "$results/tornado-$b-context-$big_shape.txt" 2>&1 \
        || fail "context-bench --in-memory $big_shape failed; its output: $results/tornado-$b-context-$big_shape.txt"
    fi
  done
fi

# ---- peers ----
if ! python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  absent+=("PyTorch/cuBLAS BF16 step|python3 with a CUDA build of torch on a GPU is not there")
else
  peer_shape="${shape:-$($full && echo llama-3.1-8b || echo tiny)}"
  echo "bench-report: PyTorch peers ($peer_shape)" >&2
  python3 benchmarks/gpu/torch_step_peer.py --shape "$peer_shape" --out "$results/torch-step-$peer_shape.json" \
    > "$results/torch-step-$peer_shape.txt" 2>&1 || fail "the PyTorch step peer failed; its output: $results/torch-step-$peer_shape.txt"
  for s in "$peer_shape" ${big_shape:+"$big_shape"}; do
    python3 benchmarks/gpu/torch_offload_peer.py --shape "$s" --out "$results/torch-offload-$s.json" \
      > "$results/torch-offload-$s.txt" 2>&1 || fail "the PyTorch offload peer failed; its output: $results/torch-offload-$s.txt"
  done
fi
if [ -z "$official" ]; then
  absent+=("official DFloat11 CUDA kernel|no --official-dfloat11 PATH given")
else
  kernel=$(find "$official" -name decode.cu -print -quit 2>/dev/null || true)
  if [ -z "$kernel" ]; then
    absent+=("official DFloat11 CUDA kernel|no decode.cu under $official")
  elif [ -z "$unit_dir" ]; then
    absent+=("official DFloat11 CUDA kernel|needs decode-bench (TornadoVM) to write the unit both decoders read")
  elif ! python3 -c 'import torch, cupy, safetensors; assert torch.cuda.is_available()' 2>/dev/null; then
    absent+=("official DFloat11 CUDA kernel|python3 with torch, cupy and safetensors on a CUDA GPU is not there")
  else
    echo "bench-report: official DFloat11 kernel ($kernel)" >&2
    python3 benchmarks/gpu/official_decode_baseline.py --kernel "$kernel" --unit "$unit_dir/unit.safetensors" \
      --name bench --reference bench.original --json "$results/official.json" > "$results/official.txt" 2>&1 \
      || fail "the official baseline failed; its output: $results/official.txt"
  fi
fi

# ---- the machine, the software, what was missing ----
env_args=(
  --machine "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  --machine "CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1) ($(nproc) cores)"
  --machine "memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  --machine "OS=$(uname -sr)"
  --machine "java=$(java -version 2>&1 | head -1)"
  --machine "df11 commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  --machine "load before the run=$load_before (1, 5, 15 min)"
)
if [ -n "$bundle" ]; then
  env_args+=(--machine "TornadoVM=$(ls "$bundle/tornado-sdk/share/java/tornado" | sed -n 's/^tornado-runtime-\(.*\)\.jar$/\1/p' | head -1)")
fi
if command -v nvidia-smi >/dev/null; then
  env_args+=(--machine "GPU=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1)")
fi
for a in "${absent[@]}"; do env_args+=(--absent "$a"); done
for n in ${notes[@]+"${notes[@]}"}; do env_args+=(--note "$n"); done
java -cp "$jar" dev.df11.bench.report.EnvironmentCommand --out "$results/environment.json" "${env_args[@]}"

generated_by="Run by scripts/bench-report.sh$($full && echo ' --full') on $(date -u +%Y-%m-%d)."
if $render_report; then
  render "$results"
else
  echo "bench-report: results in $results (not rendered: --no-render; render them with --render-only --out DIR $results)" >&2
fi
