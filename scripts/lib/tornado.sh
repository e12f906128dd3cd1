# Sourced by the df11 launchers: the JVM flags that start TornadoVM from an SDK folder, computed in bash.
# They are what TornadoVM's own `tornado --printJavaFlags` prints (that launcher is Python and wants extra packages),
# built from the SDK's etc/tornado.backend and etc/exportLists, so they follow the SDK they are given.
#
#   df11_tornado_flags [SDK_DIR]        sets the array tornado_flags and the string tornado_classpath
#   df11_opencl_setup NATIVE_DIR MODE   makes an OpenCL ICD loader and NVIDIA's OpenCL visible (MODE: auto|force|off)
#   df11_signal_chaining JAVA_HOME      preloads the JDK's signal-chaining library (libjsig) so the JVM keeps its handlers
# SDK_DIR defaults to $TORNADO_SDK (or $TORNADOVM_HOME). Errors stop the script with a message saying what to do.

df11_tornado_flags() {
  local sdk="${1:-${TORNADO_SDK:-${TORNADOVM_HOME:-}}}"
  if [ -z "$sdk" ]; then
    echo "df11: TornadoVM is not configured: set TORNADO_SDK to a TornadoVM SDK folder (see docs/tornado.md)." >&2
    exit 1
  fi
  local need
  for need in share/java/tornado share/java/graalJars etc/exportLists/common-exports lib; do
    if [ ! -e "$sdk/$need" ]; then
      echo "df11: $sdk is not a TornadoVM SDK folder (no $need); see docs/tornado.md." >&2
      exit 1
    fi
  done
  local backends=""
  [ -f "$sdk/etc/tornado.backend" ] && backends=$(sed -n 's/^tornado.backends *= *//p' "$sdk/etc/tornado.backend")
  backends=",${backends:-opencl-backend},"
  local modules="ALL-SYSTEM,jdk.incubator.vector,tornado.runtime,tornado.annotation,tornado.drivers.common"
  local native="ALL-UNNAMED"
  local module_path="$sdk/share/java/tornado"
  local exports=("@$sdk/etc/exportLists/common-exports")
  case "$backends" in *,opencl-backend,*)
    modules+=",tornado.drivers.opencl"; native+=",tornado.drivers.opencl"
    exports+=("@$sdk/etc/exportLists/opencl-exports");;
  esac
  case "$backends" in *,ptx-backend,*)
    if [ ! -f "$sdk/lib/libtornado-ptx.so" ]; then
      echo "df11: $sdk/etc/tornado.backend lists ptx-backend but $sdk/lib/libtornado-ptx.so is missing;" \
           "build TornadoVM's PTX JNI library on the GPU host or remove ptx-backend from that file." >&2
      exit 1
    fi
    # An SDK built without CUDA keeps the PTX driver jar aside (share/java/tornado-ptx) until the library exists.
    [ -d "$sdk/share/java/tornado-ptx" ] && module_path+=":$sdk/share/java/tornado-ptx"
    modules+=",tornado.drivers.ptx"; native+=",tornado.drivers.ptx"
    exports+=("@$sdk/etc/exportLists/ptx-exports");;
  esac
  tornado_flags=(
    -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --enable-preview
    "-Djava.library.path=$sdk/lib"
    --module-path "$module_path"
    --upgrade-module-path "$sdk/share/java/graalJars"
    -Dtornado.load.api.implementation=uk.ac.manchester.tornado.runtime.tasks.TornadoTaskGraph
    -Dtornado.load.runtime.implementation=uk.ac.manchester.tornado.runtime.TornadoCoreRuntime
    -Dtornado.load.tornado.implementation=uk.ac.manchester.tornado.runtime.common.Tornado
    -Dtornado.load.annotation.implementation=uk.ac.manchester.tornado.annotation.ASMClassVisitor
    -Dtornado.load.annotation.parallel=uk.ac.manchester.tornado.api.annotations.Parallel
    "${exports[@]}"
    "--enable-native-access=$native"
    --add-modules "$modules"
  )
  # In a source checkout (scripts/df11 sets root) the kernels jar comes from the tornado-kernels module.
  tornado_classpath="${DF11_TORNADO_KERNELS_JAR:-${root:-.}/tornado-kernels/target/df11-tornado-kernels.jar}"
  if [ ! -f "$tornado_classpath" ]; then
    echo "df11: $tornado_classpath is missing; build it with:" \
         "TORNADO_SDK=$sdk mvn -B -q -pl tornado-kernels -am package -DskipTests" >&2
    exit 1
  fi
}

# OpenCL needs an ICD loader (libOpenCL.so.1) and a vendor file naming the driver. A bundle carries a loader in
# NATIVE_DIR for hosts without one. NVIDIA's driver answers once a vendor file names libnvidia-opencl.so.1; GPU
# containers often ship the library without that file, so (MODE auto) one is made in a temporary folder when the
# library is present and no vendor file names it, or always with MODE force.
df11_opencl_setup() {
  local native_dir="$1" mode="${2:-auto}"
  if ! ldconfig -p 2>/dev/null | grep -q 'libOpenCL\.so\.1' && [ -f "$native_dir/libOpenCL.so.1" ]; then
    export LD_LIBRARY_PATH="$native_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  [ "$mode" = off ] && return 0
  local vendors="${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}"
  if [ "$mode" = auto ]; then
    grep -qs 'libnvidia-opencl' "$vendors"/*.icd 2>/dev/null && return 0
    ldconfig -p 2>/dev/null | grep -q 'libnvidia-opencl\.so\.1' || return 0
  fi
  local icd_dir
  icd_dir=$(mktemp -d "${TMPDIR:-/tmp}/df11-icd.XXXXXX")
  [ -d "$vendors" ] && cp "$vendors"/*.icd "$icd_dir"/ 2>/dev/null
  echo "libnvidia-opencl.so.1" > "$icd_dir/nvidia.icd"
  export OCL_ICD_VENDORS="$icd_dir"
}

# The JVM's off-heap limit (-XX:MaxDirectMemorySize) for a run with heap HEAP (e.g. 16g). TornadoVM keeps every
# array it moves to a device in off-heap memory as well, so the weights of a model on the GPU count against this
# limit; the JVM's default (the heap size) is far too small for an 8B model. DF11_OFFHEAP sets it (e.g. 96g);
# otherwise it is the machine's physical memory less the heap and 4 GiB, and at least the heap.
df11_offheap_limit() {
  local heap="$1"
  if [ -n "${DF11_OFFHEAP:-}" ]; then
    echo "$DF11_OFFHEAP"
    return
  fi
  local heap_mib total_mib
  case "$heap" in
    *[gG]) heap_mib=$(( ${heap%[gG]} * 1024 ));;
    *[mM]) heap_mib=${heap%[mM]};;
    *[kK]) heap_mib=$(( ${heap%[kK]} / 1024 ));;
    *) heap_mib=$(( heap / 1048576 ));;
  esac
  total_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 0)
  local limit=$(( total_mib - heap_mib - 4096 ))
  [ "$limit" -lt "$heap_mib" ] && limit=$heap_mib
  echo "${limit}m"
}

# The JVM handles SIGSEGV itself (implicit null checks, safepoint polls in compiled code). TornadoVM's drivers load
# LLVM-based compilers (PoCL's, NVIDIA's JIT) that install their own SIGSEGV handler over the JVM's, after which the
# next such fault in compiled Java code kills the process with no hs_err file: 3 of 8 matvec-bench runs on PoCL, and
# bundle JVMs on the GPU machines, died so (2026-12-07; a core dump showed LLVM's handler). The JDK's signal-chaining
# library, preloaded, keeps the JVM's handlers first and passes other faults on to the library's (JDK docs, "Signal
# Chaining"): 0 of 8 with it.
df11_signal_chaining() {
  local jsig="$1/lib/libjsig.so"
  if [ -f "$jsig" ]; then
    export LD_PRELOAD="$jsig${LD_PRELOAD:+:$LD_PRELOAD}"
  else
    echo "df11: $jsig is missing; without the JDK's signal chaining the JVM may crash once TornadoVM loads an" \
         "OpenCL or CUDA compiler (use a full JDK 25)." >&2
  fi
}
