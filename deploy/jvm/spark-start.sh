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
    # Out of heap, exit (the container restarts) rather than hang on the port (src/runtime/services.ts).
    exec java -Xmx"${SPARK_DRIVER_MEMORY:-1g}" -XX:+ExitOnOutOfMemoryError "${java_options[@]}" -cp "$classpath" org.apache.spark.deploy.SparkSubmit \
      "$@" --class org.apache.spark.sql.connect.service.SparkConnectServer spark-internal ;;
  *) echo "spark-start: unknown role '$role' (expected master, worker or connect)" >&2; exit 2 ;;
esac
