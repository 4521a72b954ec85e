#!/usr/bin/env bash
# The one entry point: ./build.sh [package|run|test|bench] [args...]
#   package  build target/taskrunner.jar (dependencies included), tests skipped
#   run      build if the jar is missing or older than the sources, then start the
#            server in the foreground; further arguments go to the server (--port ...)
#   test     run the whole test suite (real servers on port 0, temp data dirs), after
#            installing the node packages one test runs (node_test_deps, below) and, as
#            root, chromium and chromium-driver when missing, for the browser test
#            then its cluster pass: the face tests against two servers on one embedded
#            PostgreSQL (pom.xml: -Dcluster.only runs it alone, -Dtest=... skips it)
#   bench    build, then run the benchmarks, which print their figures
set -euo pipefail
cd "$(dirname "$0")"

java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

find_jdk() { # sets JAVA_HOME to a JDK 21+ (one with javac), or fails clearly
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for d in /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  local home v
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    v=$(java_major "$home/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$home"
      export PATH="$JAVA_HOME/bin:$PATH"
      echo "build.sh: using JDK $v at $home" >&2
      return 0
    fi
  done
  echo "build.sh: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
  echo "build.sh: install one (for example: apt-get install openjdk-21-jdk) or set JAVA_HOME." >&2
  exit 1
}

# Plain output: batch mode without colours, and jansi.noreset, without which Maven 3.8
# (Debian's) still writes an ESC[0m reset at every start. Before the first build on this
# machine one line says that Maven is downloading the dependencies (the jackson-jr jar in the
# local repository stands for them all), which otherwise looks like a silent minute.
mvn_() {
  command -v mvn >/dev/null 2>&1 || { echo "build.sh: Apache Maven (mvn) is needed: apt-get install maven" >&2; exit 1; }
  local jr; jr=$(sed -n 's:.*<jackson.jr.version>\(.*\)</jackson.jr.version>.*:\1:p' pom.xml)
  if [ ! -f "$HOME/.m2/repository/com/fasterxml/jackson/jr/jackson-jr-objects/$jr/jackson-jr-objects-$jr.jar" ]; then
    echo "build.sh: Maven is downloading the build's dependencies into ~/.m2/repository (first build only, a minute or more)" >&2
  fi
  # Maven's own libraries use sun.misc.Unsafe; newer JDKs warn about it on every run.
  MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true $( [ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 ] && echo --sun-misc-unsafe-memory-access=allow )" \
    mvn -B -Dstyle.color=never "$@"
}

# The node packages EntryStoreJsTest runs (the real @entryscape/entrystore-js, pinned by
# src/test/js/entrystore-js/package-lock.json): npm ci when node_modules is missing or was
# installed from another lockfile (a copy of the lockfile in node_modules says which), from
# npm's cache when it has them. Without npm, or when npm ci fails, the suite still runs and
# that test fails saying why.
node_test_deps() {
  local dir=src/test/js/entrystore-js
  cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json" 2>/dev/null && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "build.sh: npm not found; EntryStoreJsTest will fail (it needs Node.js 18+ with npm)" >&2
    return 0
  fi
  echo "build.sh: installing $dir/node_modules (npm ci)" >&2
  if (cd "$dir" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); then
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json"
  else
    echo "build.sh: npm ci failed in $dir; EntryStoreJsTest will fail" >&2
  fi
}

jar_is_stale() {
  [ ! -f target/taskrunner.jar ] && return 0
  [ -n "$(find src/main pom.xml -newer target/taskrunner.jar -print -quit)" ]
}

browser_for_tests() { # DashboardBrowserTest drives Debian's chromium through its chromedriver
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: chromium or chromedriver is missing and apt-get cannot run as root here;" >&2
    echo "build.sh: the dashboard's browser test is skipped (fails under CI=true): apt-get install chromium chromium-driver" >&2
    return 0
  fi
  echo "build.sh: installing chromium and chromium-driver for the dashboard's browser test (apt-get, once)"
  mkdir -p target
  { apt-get install -y chromium chromium-driver || { apt-get update && apt-get install -y chromium chromium-driver; }; } \
    >target/apt-chromium.log 2>&1 || echo "build.sh: the install failed, see target/apt-chromium.log" >&2
}

# The JVM flags of every launch of the server (here, scripts/taskrunner.service, the bench's PerfTable):
# the heap starts small (-Xms8m: fewer pages touched before the first answer; RSS right after start
# 81-90 -> 80-81 MB) and G1 aims at 50 ms pauses instead of 200 (its young generation then stays
# small: pauses under load median 25-32 -> 8-10 ms, p99 of creates at 64 connections 141-206 -> 70-114 ms)
JVM_FLAGS="-Xms8m -XX:MaxGCPauseMillis=50"

cmd="${1:-run}"; [ $# -gt 0 ] && shift
find_jdk
case "$cmd" in
  package)
    mvn_ -q -DskipTests package
    echo "built target/taskrunner.jar" ;;
  run)
    if jar_is_stale; then mvn_ -q -DskipTests package; fi
    # class-data sharing: the first run writes the archive at exit, later starts load classes from it;
    # the JVM does not remake an archive of an older jar (it only says "shared class paths mismatch")
    [ target/taskrunner.jsa -nt target/taskrunner.jar ] || rm -f target/taskrunner.jsa
    exec "$JAVA_HOME/bin/java" $JVM_FLAGS -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=target/taskrunner.jsa \
      -jar target/taskrunner.jar "$@" ;;
  test)
    node_test_deps
    browser_for_tests
    mvn_ package "$@" ;;
  bench)
    mvn_ -q -DskipTests package test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
    # the in-process servers of the throughput figures run with the jar's flags too
    exec "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" \
      taskrunner.bench.Bench "$@" ;;
  *)
    echo "usage: ./build.sh [package|run|test|bench]" >&2; exit 2 ;;
esac
