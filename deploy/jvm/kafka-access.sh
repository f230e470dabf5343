#!/bin/bash
# kafka-access: the stack's Kafka users and ACLs, idempotently (the kafka-scram-init service; rerun it to
# rotate passwords). Authenticates as the admin user (SASL/SCRAM on the INTERNAL listener), then:
#   - SCRAM-SHA-512 credentials of the app user and of Kafka UI's read-only user, from the environment;
#   - the app user: everything on its own topics (KAFKA_APP_TOPICS), its consumer groups (Spark's Kafka
#     source: spark-kafka-source*), describing the cluster; nothing else;
#   - the read-only user: describe and read topics, describe groups and the cluster; nothing else.
# Passwords go to the tools through a mode-0600 file and --add-config, never to the log.
set -euo pipefail
: "${KAFKA_BOOTSTRAP_SERVERS:?}" "${KAFKA_ADMIN_USER:?}" "${KAFKA_ADMIN_PASSWORD:?}" "${KAFKA_APP_USER:?}" "${KAFKA_APP_PASSWORD:?}"
: "${KAFKA_APP_TOPICS:?}" "${KAFKA_READONLY_USER:?}" "${KAFKA_READONLY_PASSWORD:?}"
umask 077
admin=$(mktemp)
trap 'rm -f "$admin"' EXIT
printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
  "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${KAFKA_ADMIN_USER}\" password=\"${KAFKA_ADMIN_PASSWORD}\";" >"$admin"

scram() { # user password
  kafka-run-class kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$admin" \
    --alter --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]" >/dev/null
  echo "kafka-access: SCRAM-SHA-512 credential of $1 set"
}
acl() { # principal, then AclCommand resource and operation options
  local principal=$1
  shift
  kafka-run-class org.apache.kafka.tools.AclCommand --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$admin" \
    --add --allow-principal "User:$principal" "$@" >/dev/null
  echo "kafka-access: allowed $principal $*"
}

scram "$KAFKA_APP_USER" "$KAFKA_APP_PASSWORD"
scram "$KAFKA_READONLY_USER" "$KAFKA_READONLY_PASSWORD"
topics=()
IFS=, read -ra names <<<"$KAFKA_APP_TOPICS"
for topic in "${names[@]}"; do topics+=(--topic "${topic%%=*}"); done
acl "$KAFKA_APP_USER" --operation All "${topics[@]}"
acl "$KAFKA_APP_USER" --operation Read --operation Describe --group spark-kafka-source --resource-pattern-type prefixed
acl "$KAFKA_APP_USER" --operation Describe --cluster
acl "$KAFKA_READONLY_USER" --operation Describe --operation DescribeConfigs --operation Read --topic '*'
acl "$KAFKA_READONLY_USER" --operation Describe --group '*'
acl "$KAFKA_READONLY_USER" --operation Describe --operation DescribeConfigs --cluster
echo "kafka-access: done"
