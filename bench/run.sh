#!/usr/bin/env bash
# The engine against the legacy GNU tar command on the same seeded data, side by side in one run.
# Usage: bench/run.sh [work-dir] [scale] [runs]   (defaults: target/bench 1.0 3; scale 1 = ~1 GiB and 200k files)
# Needs: JDK 17, Maven, GNU tar; /usr/bin/time (GNU time) for the peak RSS of child processes.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8
work="${1:-target/bench}"; scale="${2:-1.0}"; runs="${3:-3}"
mkdir -p "$work"
mvn -B -q -DskipTests test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
java --add-opens java.base/sun.nio.fs=ALL-UNNAMED -cp "$cp" org.aiod.backup.bench.Benchmark "$work" "$scale" "$runs"
