#!/usr/bin/env bash
# Runs a command and reports the peak resident memory (VmHWM) of the process it becomes, sampled from /proc until it
# exits; prints "peak_rss_bytes=N exit=RC" as its last line. For the df11 launchers, which exec java, the process is
# the JVM. Usage: benchmarks/gpu/peak-rss.sh COMMAND [ARGS...]
set -u
"$@" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
  [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
  sleep 0.2
done
wait "$pid"
rc=$?
echo "peak_rss_bytes=$((peak * 1024)) exit=$rc"
exit $rc
