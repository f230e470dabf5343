#!/bin/bash
# spark-start master|worker|connect [args]: one Spark role in the foreground, started from the jars
# the way src/runtime/services.ts and cluster-services.ts start ours (no spark-submit scripts: the
# image carries only jars). Extra args go to the role's main class (master, worker) or, for connect,
# are spark-submit options (--conf k=v, --driver-memory).
set -euo pipefail
role=${1:?usage: spark-start master|worker|connect [args]}
shift
# The Scala version of the jars, for the launcher that starts executors (SPARK_SCALA_VERSION).
scala_library=$(basename /opt/spark/jars/scala-library-*.jar .jar)
scala_version=${scala_library#scala-library-}
export SPARK_SCALA_VERSION=${scala_version%.*}
# Spark's launcher scripts add these for Java 17+ (src/runtime/spec.ts SPARK_JAVA_OPTIONS).
java_options=(
  -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
)
for pkg in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
  java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
  sun.security.action sun.util.calendar; do
  java_options+=("--add-opens=java.base/${pkg}=ALL-UNNAMED")
done
classpath='/opt/spark/jars/*'
case "$role" in
  master) exec java -Xmx"${SPARK_DAEMON_HEAP:-512m}" "${java_options[@]}" -cp "$classpath" org.apache.spark.deploy.master.Master "$@" ;;
  worker) exec java -Xmx"${SPARK_DAEMON_HEAP:-512m}" "${java_options[@]}" -cp "$classpath" org.apache.spark.deploy.worker.Worker "$@" ;;
  connect)
    # The driver's memory settings of src/runtime/spec.ts driverJvmOptions (why: its comment), the same
    # list in the same order; test/unit/deploy/spark-start.test.ts runs this script against it.
    heap=${SPARK_DRIVER_MEMORY:-1g}
    case "$heap" in
      *[gG]) heap_mb=$(( ${heap%[gG]} * 1024 )) ;;
      *[mM]) heap_mb=${heap%[mM]} ;;
      *) echo "spark-start: SPARK_DRIVER_MEMORY '$heap' is not like 2g or 1536m" >&2; exit 2 ;;
    esac
    driver_options=(
      -Xmx"$heap" -Xms$(( heap_mb < 768 ? heap_mb : 768 ))m -XX:+AlwaysPreTouch
      -XX:MaxNewSize=$(( heap_mb / 2 < 384 ? heap_mb / 2 : 384 ))m -XX:MaxHeapFreeRatio=100 -XX:GCTimeRatio=4
      -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=45
      "-Xlog:gc:file=${SPARK_GC_LOG:-/tmp/spark-driver-gc.log}:time,uptime:filecount=3,filesize=10m"
    )
    # A few malloc arenas for the driver's ~300 threads (src/runtime/services.ts says why).
    export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-4}
    # Out of heap, exit (the container restarts) rather than hang on the port (src/runtime/services.ts).
    exec java -XX:+ExitOnOutOfMemoryError "${driver_options[@]}" "${java_options[@]}" -cp "$classpath" org.apache.spark.deploy.SparkSubmit \
      "$@" --class org.apache.spark.sql.connect.service.SparkConnectServer spark-internal ;;
  *) echo "spark-start: unknown role '$role' (expected master, worker or connect)" >&2; exit 2 ;;
esac
