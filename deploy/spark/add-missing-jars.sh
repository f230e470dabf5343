#!/bin/bash
# add-missing-jars <from> <to>: copies each jar of <from> whose artifact (the file name without its
# version) has no jar in <to> yet. Lists what it added, so the build log shows the image's extra jars.
set -euo pipefail
from=$1
to=$2
added=0
for jar in "$from"/*.jar; do
  file=$(basename "$jar")
  # artifactId-version[-classifier].jar: the version is the first dash-separated part starting with a digit.
  artifact=$(sed -E 's/-[0-9][^-]*(-[A-Za-z][^.]*)?\.jar$//' <<<"$file")
  if compgen -G "$to/$artifact-[0-9]*.jar" >/dev/null; then
    continue
  fi
  cp "$jar" "$to/"
  echo "added $file"
  added=$((added + 1))
done
echo "$added jars added to $to"
