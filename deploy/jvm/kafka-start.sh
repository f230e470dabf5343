#!/bin/bash
# The broker's entrypoint: server.properties from the KAFKA_* environment (the convention of the
# apache/kafka image: KAFKA_LOG_DIRS -> log.dirs, `__` -> `_`, `___` -> `-`), the KRaft storage
# formatted once with CLUSTER_ID, then kafka.Kafka in the foreground, as src/runtime/kafka-node.ts runs it.
set -euo pipefail
: "${CLUSTER_ID:?set CLUSTER_ID (the KRaft cluster id, deploy/.env KAFKA_CLUSTER_ID)}"
: "${KAFKA_NODE_ID:?set KAFKA_NODE_ID}"
props=/etc/kafka/server.properties
log4j=/etc/kafka/log4j2.properties
: >"$props"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_TOOL_HEAP | KAFKA_OPTS) continue ;;
  esac
  key=${name#KAFKA_}
  key=$(sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g' <<<"$key" | tr '[:upper:]' '[:lower:]')
  printf '%s=%s\n' "$key" "$value" >>"$props"
done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' | sort)
cat >"$log4j" <<'LOG4J'
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = console
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.controller.name = org.apache.kafka.controller
logger.controller.level = WARN
LOG4J
# Property names only: values can hold JAAS configs.
echo "kafka-start: node ${KAFKA_NODE_ID}, $(wc -l <"$props") settings: $(cut -d= -f1 "$props" | paste -sd' ')"
classpath='/opt/kafka/libs/*'
data_dir=$(sed -n 's/^log\.dirs=//p' "$props")
if [ ! -f "${data_dir:-/var/lib/kafka/data}/meta.properties" ]; then
  # --cluster-id=<id>: a base64url id may start with '-'. The admin user's SCRAM credential goes into the
  # bootstrap metadata: the one user that exists before any ACL (a super user, KAFKA_SUPER_USERS).
  scram=()
  if [ -n "${SCRAM_ADMIN_USER:-}" ]; then
    : "${SCRAM_ADMIN_PASSWORD:?set SCRAM_ADMIN_PASSWORD with SCRAM_ADMIN_USER}"
    scram=(--add-scram "SCRAM-SHA-512=[name=${SCRAM_ADMIN_USER},password=${SCRAM_ADMIN_PASSWORD}]")
  fi
  java -cp "$classpath" -Dlog4j2.configurationFile="$log4j" kafka.tools.StorageTool format \
    --cluster-id="$CLUSTER_ID" --config="$props" "${scram[@]}" >/dev/null
  echo "kafka-start: storage formatted${SCRAM_ADMIN_USER:+ with the SCRAM credential of ${SCRAM_ADMIN_USER}}"
fi
# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM options
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -Dlog4j2.configurationFile="$log4j" ${KAFKA_OPTS:-} -cp "$classpath" kafka.Kafka "$props"
