# Sourced by ./sotto and scripts/jmh: finds a JDK 25+ and sets SOTTO_JAVA_HOME, or exits with advice.
# Order: $JAVA_HOME, the Temurin 25 path used on our build machines, then `java` on PATH.

sotto_java_major() {
    # Prints the feature version of the java binary $1 (e.g. 25), or nothing. The JDK's `release` file says it without
    # starting a JVM (50 ms of every command); a java without one is asked.
    local release
    release="$(dirname "$(dirname "$1")")/release"
    if [ -f "$release" ]; then
        local v
        v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1)"
        if [ -n "$v" ]; then
            echo "$v"
            return
        fi
    fi
    "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

sotto_find_jdk() {
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    candidates+=("/usr/lib/jvm/temurin-25-jdk-amd64")
    if command -v java >/dev/null 2>&1; then
        local on_path
        on_path="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
        candidates+=("$on_path")
    fi
    local home major
    for home in "${candidates[@]}"; do
        [ -x "$home/bin/java" ] || continue
        major="$(sotto_java_major "$home/bin/java")"
        if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
            SOTTO_JAVA_HOME="$home"
            return 0
        fi
    done
    echo "sotto: Java 25 or newer is required (tried: ${candidates[*]})." >&2
    echo "sotto: install a JDK 25 (e.g. Eclipse Temurin 25) and set JAVA_HOME to it." >&2
    exit 1
}

# JVM flags sotto needs: the Vector API incubator module, native access for java.lang.foreign, and quiet
# sun.misc.Unsafe use by protobuf-java (the ONNX importer).
SOTTO_JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
