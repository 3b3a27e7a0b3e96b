#!/usr/bin/env bash
# Times each console page on a running kaiten-local --demo (BENCHMARKS.md, "Console pages"): reports
# 67433 api-calls for acme-prod, signs in, then per page 20 warm-up GETs and 50 timed ones, one at a
# time, as curl sees them (kaiten-local's front door and the console function's JVM included).
# usage: benchmarks/console-pages.sh BASE_URL ADMIN_TOKEN INSTANCE_TOKEN LICENSE_ID
#   (kaiten-local prints the first three; the license id is in its kaiten-local.json, demo.license_id)
set -euo pipefail
BASE=$1; ADMIN=$2; INSTANCE_TOKEN=$3; LICENSE=$4
curl -s -o /dev/null -X POST "$BASE/api/instances/acme-prod/usage" -H "Authorization: Bearer $INSTANCE_TOKEN" \
  -H 'Content-Type: application/json' -d '{"entitlement_slug":"api-calls","value":67433}'
COOKIE=$(curl -s -o /dev/null -D - -X POST "$BASE/console/sign-in" --data-urlencode "token=$ADMIN" \
  | sed -n 's/^[Ss]et-[Cc]ookie: kaiten_console=\([^;]*\);.*/\1/p')
for page in customers "licenses/$LICENSE" instances/acme-prod tiers limits webhooks audit; do
  for i in $(seq 1 20); do curl -s -o /dev/null -b "kaiten_console=$COOKIE" "$BASE/console/$page"; done
  for i in $(seq 1 50); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -b "kaiten_console=$COOKIE" "$BASE/console/$page"
  done | python3 -c "
import sys, statistics
rows=[l.split() for l in sys.stdin]
codes={r[0] for r in rows}; t=sorted(float(r[1])*1000 for r in rows)
print(f'{sys.argv[1]:24s} status {\",\".join(sorted(codes))}  median {statistics.median(t):6.1f} ms  p90 {t[int(len(t)*0.9)-1]:6.1f} ms  max {t[-1]:6.1f} ms')
" "$page"
done
