#!/usr/bin/env bash
# Builds a self-contained, relocatable df11 folder for a GPU host: a jlinked JDK 25, the project jars, a copy of the
# TornadoVM SDK at $TORNADO_SDK (copied, never built here) and launchers that set TornadoVM's flags relative to the
# folder. Nothing in it names an absolute path of this machine.
#
#   scripts/bundle.sh [--out DIR] [--tar] [--with-jdk-include] [--full-sdk]
#
#   --out DIR            where to build it (default dist/df11-bundle; dist/ is ignored by git)
#   --tar                also write DIR.tar.xz (xz -6, all cores)
#   --with-jdk-include   keep the JDK's include/ (jni.h), needed to compile TornadoVM's PTX JNI library on the host
#   --full-sdk           copy the whole SDK (default: leave out TornadoVM's tests, examples, benchmarks and the
#                        Truffle API, which df11 never loads, to stay small for the transfer to the GPU host)
#
# Needs: TORNADO_SDK, runtime/target/df11.jar, tornado-kernels/target/df11-tornado-kernels.jar and (for the benchmark
# launchers) kernel-lab/target/df11-kernel-lab.jar, built with
#   TORNADO_SDK=... mvn -B -q -pl runtime,tornado-kernels,kernel-lab -am package -DskipTests
# On the host: bin/decode-bench [--nvidia-icd] --elements 134217728 --out results.json ; bin/df11 ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/jdk.sh"

out="$root/dist/df11-bundle"
tar=false
jdk_include=false
full_sdk=false
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --tar) tar=true; shift;;
    --with-jdk-include) jdk_include=true; shift;;
    --full-sdk) full_sdk=true; shift;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "bundle: unknown option $1 (see --help)" >&2; exit 2;;
  esac
done

fail() { echo "bundle: $*" >&2; exit 1; }
sdk="${TORNADO_SDK:-}"
[ -n "$sdk" ] || fail "TORNADO_SDK is not set; point it at a TornadoVM SDK folder (docs/tornado.md)."
[ -d "$sdk/share/java/tornado" ] && [ -d "$sdk/share/java/graalJars" ] && [ -d "$sdk/lib" ] \
  || fail "TORNADO_SDK=$sdk is not a TornadoVM SDK folder (needs share/java/tornado, share/java/graalJars, lib)."
cli_jar="$root/runtime/target/df11.jar"
kernels_jar="$root/tornado-kernels/target/df11-tornado-kernels.jar"
lab_jar="$root/kernel-lab/target/df11-kernel-lab.jar"
for jar in "$cli_jar" "$kernels_jar" "$lab_jar"; do
  [ -f "$jar" ] || fail "$jar is missing; build the jars first:
  TORNADO_SDK=$sdk mvn -B -q -pl runtime,tornado-kernels,kernel-lab -am package -DskipTests"
done

rm -rf "$out"
mkdir -p "$out/bin/lib" "$out/lib" "$out/native"

echo "bundle: jlink runtime" >&2
# Modules stored uncompressed (zip-0): 99 MiB on disk instead of 62, but the bundle travels compressed, and xz packs
# plain class files far better than zip-compressed ones (runtime 23 MB instead of 38 in the .tar.xz).
"$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.internal.vm.ci,jdk.unsupported,jdk.management,jdk.incubator.vector,jdk.jfr \
  --strip-debug --no-man-pages --no-header-files --compress zip-0 --output "$out/runtime"
# The JDK's native libraries keep their symbol tables (libjvm.so: 5 MiB of them); strip where binutils are there.
if command -v strip >/dev/null; then
  find "$out/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} +
fi
if $jdk_include; then
  cp -r "$JAVA_HOME/include" "$out/runtime/include"
fi

echo "bundle: TornadoVM SDK from $sdk" >&2
cp -a "$sdk" "$out/tornado-sdk"
rm -rf "$out/tornado-sdk/examples"
if ! $full_sdk; then
  (cd "$out/tornado-sdk/share/java" && rm -f tornado/tornado-unittests-*.jar tornado/tornado-benchmarks-*.jar \
    tornado/tornado-examples-*.jar tornado/tornado-fuzz-*.jar tornado/lucene-core-*.jar tornado/junit-*.jar \
    tornado/hamcrest-*.jar tornado/jmh-core-*.jar tornado/jopt-simple-*.jar tornado/ejml-*.jar \
    graalJars/truffle-api-*.jar)
fi

cp "$cli_jar" "$out/lib/df11.jar"
cp "$kernels_jar" "$out/lib/df11-tornado-kernels.jar"
cp "$lab_jar" "$out/lib/df11-kernel-lab.jar"
cp "$root/scripts/lib/tornado.sh" "$out/bin/lib/tornado.sh"
# An OpenCL ICD loader for hosts that have the NVIDIA driver but no libOpenCL.so.1 (used only when missing there).
loader=$(ldconfig -p 2>/dev/null | sed -n 's/.*libOpenCL\.so\.1 .*=> //p' | head -1)
[ -n "$loader" ] && cp -L "$loader" "$out/native/libOpenCL.so.1"

cat > "$out/bin/df11" <<'LAUNCHER'
#!/usr/bin/env bash
# df11 on the bundled JDK with TornadoVM. Options for this launcher (the rest go to the program):
#   --nvidia-icd      always expose NVIDIA's OpenCL driver (default: when its library is there and unlisted)
#   --no-nvidia-icd   never touch the OpenCL vendor list
# Env: DF11_HEAP (Java heap, default 16g), DF11_OFFHEAP (off-heap limit, where TornadoVM's arrays and so the
# weights on their way to the device live; default: physical memory less the heap and 4 GiB),
# DF11_JAVA_OPTS (extra JVM options), DF11_MAIN (main class), DF11_CLASSPATH (more jars).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
source "$here/bin/lib/tornado.sh"
icd=auto
args=()
for a in "$@"; do
  case "$a" in
    --nvidia-icd) icd=force;;
    --no-nvidia-icd) icd=off;;
    *) args+=("$a");;
  esac
done
df11_opencl_setup "$here/native" "$icd"
df11_signal_chaining "$here/runtime"
DF11_TORNADO_KERNELS_JAR="$here/lib/df11-tornado-kernels.jar"
df11_tornado_flags "$here/tornado-sdk"
heap="${DF11_HEAP:-16g}"
# shellcheck disable=SC2086
exec "$here/runtime/bin/java" -Xmx"$heap" -XX:MaxDirectMemorySize="$(df11_offheap_limit "$heap")" \
  -Ddf11.offheap.setting=DF11_OFFHEAP -XX:+UseParallelGC "${tornado_flags[@]}" ${DF11_JAVA_OPTS:-} \
  -cp "$here/lib/df11.jar:$tornado_classpath${DF11_CLASSPATH:+:$DF11_CLASSPATH}" "${DF11_MAIN:-dev.df11.cli.Df11Cli}" \
  ${args[@]+"${args[@]}"}
LAUNCHER
# lab_launcher NAME CLASS DESCRIPTION: bin/NAME runs the kernel lab's main CLASS through bin/df11.
lab_launcher() {
  cat > "$out/bin/$1" <<LAUNCHER
#!/usr/bin/env bash
# $3 (dev.df11.lab.bench.$2, from the kernel lab); --help lists its options.
here=\$(cd "\$(dirname "\$(readlink -f "\$0")")" && pwd)
DF11_CLASSPATH="\$here/../lib/df11-kernel-lab.jar" DF11_MAIN=dev.df11.lab.bench.$2 exec "\$here/df11" "\$@"
LAUNCHER
  chmod +x "$out/bin/$1"
}
lab_launcher decode-bench DecodeBenchmark "The GPU decode benchmark"
lab_launcher generate-bench GenerateBenchmark "The end-to-end generation benchmark: BF16 resident, DF11 resident
# decoded per block or fused, BF16 copied per block"
lab_launcher matvec-bench MatVecBenchmark "The matrix-vector kernel benchmark: device time per shape, launch
# configuration and batch beside a device copy"
lab_launcher context-bench ContextBenchmark "The context-under-a-memory-budget benchmark: the longest context whose KV
# cache fits beside BF16 or DF11 weights, found by loading and running"
lab_launcher serve-bench ServeBenchmark "The serving benchmark: df11 serve's continuous batching on the device at
# several concurrencies, BF16 and DF11 side by side, with a batch-invariance check"
chmod +x "$out/bin/df11"

size=$(du -sm "$out" | cut -f1)
echo "bundle: $out (${size} MiB)" >&2
if $tar; then
  tar -C "$(dirname "$out")" -cf - "$(basename "$out")" | xz -T0 -6 > "$out.tar.xz"
  echo "bundle: $out.tar.xz ($(du -m "$out.tar.xz" | cut -f1) MiB)" >&2
fi
