#!/bin/bash
# kafka-run-class <main class> [args]: a Kafka tool (kafka.admin.ConfigCommand, ...) on the broker's
# classpath with a small heap, for one-shot jobs and health checks.
set -euo pipefail
exec java -Xmx${KAFKA_TOOL_HEAP:-128m} -XX:TieredStopAtLevel=1 -Dlog4j2.level=WARN -cp '/opt/kafka/libs/*' "$@"
