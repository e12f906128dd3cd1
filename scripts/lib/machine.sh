# Sourced by the CPU benchmark scripts: a note of the machine a result was measured on, one "key: value" per line.
df11_machine_note() {
  echo "date:    $(date -u)"
  echo "cpu:     $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
  echo "memory:  $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the run"
}
