#!/usr/bin/env bash
# Measures kaiten-local: time from the command to the first successful API request, and the
# resident memory of the whole stack (kaiten-local with DynamoDB Local and ElasticMQ in it, plus
# every function process) at rest. Run from the repository root after `mvn -q install -DskipTests`.
#   benchmarks/kaiten-local-startup.sh [runs]
set -euo pipefail
runs=${1:-5}
port=18123
jar=infra/local/target/kaiten-local.jar
[ -f "$jar" ] || { echo "build first: mvn -q install -DskipTests" >&2; exit 1; }

rss_one() { awk '/VmRSS/ {print $2}' /proc/"$1"/status 2>/dev/null || echo 0; }

rss_kb() { # resident memory of a process and all its descendants, in KiB
  local total=0 pid
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$(( total + $(rss_one "$pid") ))
  done
  echo "$total"
}

for run in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  java -jar "$jar" --in-memory --port "$port" --dir "$dir" > "$dir/out.log" 2>&1 &
  pid=$!
  until [ -f "$dir/out.log" ] && grep -q "Admin token:" "$dir/out.log"; do sleep 0.05; done
  token=$(awk '/Admin token:/ {print $3}' "$dir/out.log")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/customers" \
      -H "Authorization: Bearer $token" -d '{"name":"Benchmark"}')" = "201" ]; do sleep 0.05; done
  ready=$(date +%s%N)
  sleep 10 # at rest: let start-up garbage settle before reading memory
  memory=$(rss_kb "$pid")
  printf 'run %d: first successful request after %d ms; stack at rest %d MiB (%d processes)\n' \
    "$run" $(( (ready - start) / 1000000 )) $(( memory / 1024 )) $(( 1 + $(pgrep -P "$pid" | wc -l) ))
  if [ "$run" = 1 ]; then # where the memory goes
    printf '  kaiten-local (DynamoDB Local, ElasticMQ, front door): %d MiB\n' $(( $(rss_one "$pid") / 1024 ))
    for child in $(pgrep -P "$pid"); do
      printf '  %s: %d MiB\n' "$(tr '\0' '\n' < /proc/"$child"/environ | sed -n 's/^AWS_LAMBDA_FUNCTION_NAME=//p')" \
        $(( $(rss_one "$child") / 1024 ))
    done
  fi
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
done
