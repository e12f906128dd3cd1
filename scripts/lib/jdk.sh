# Sourced by every df11 script: selects JDK 25 or stops with a clear message.
# Order: an explicit JAVA_HOME that is 25+, then the Temurin 25 install the project is developed with.
df11_select_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "df11: JDK 25 or newer is required." >&2
  echo "      Install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64 or set JAVA_HOME to a JDK 25+." >&2
  exit 1
}
df11_select_jdk
