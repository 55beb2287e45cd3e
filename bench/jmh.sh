#!/usr/bin/env bash
# JMH benchmarks of the parser, the REGISTER pipeline and the transaction layer, without sockets.
#   bench/jmh.sh                      all benchmarks
#   bench/jmh.sh RegisterPipeline -prof gc   one class, with allocation per operation
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" org.openjdk.jmh.Main "${@:-io.sipgw.bench}"
