# Sourced by the device-call scripts: keeps OUT/NAME.tar.gz an archive of WORK's files so far, rewritten after each
# step (archive_save) and every 30 s in the background, so that a call cut short by its time limit still returns what
# finished (a device call brings back only a few files).
#   archive_start OUT NAME WORK; ...; archive_save; ...; archive_stop
archive_start() {
  archive_out=$1 archive_name=$2 archive_work=$3
  mkdir -p "$archive_out"
  (while sleep 30; do archive_save; done) &
  archive_saver=$!
}
archive_save() { # the archive replaced whole (the saver and the steps may both call it)
  local part
  part=$(mktemp "$archive_out/.$archive_name.XXXXXX")
  tar -czf "$part" -C "$archive_work" . 2>/dev/null && mv "$part" "$archive_out/$archive_name.tar.gz" || rm -f "$part"
}
archive_stop() {
  kill "$archive_saver" 2>/dev/null
  wait "$archive_saver" 2>/dev/null
  archive_save
}
