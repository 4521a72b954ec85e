#!/usr/bin/env bash
# The README's Kazoo Tasks walkthrough, runnable as written against a started server:
#   ./build.sh run &        # prints the admin password at first start
#   TASKRUNNER_URL=http://127.0.0.1:8000 ADMIN_PASSWORD=... scripts/kazoo-walkthrough.sh
# Needs curl only. Exits non-zero at the first step that does not answer as expected.
set -euo pipefail
SERVER="${TASKRUNNER_URL:-http://127.0.0.1:8000}"
: "${ADMIN_PASSWORD:?set ADMIN_PASSWORD to the admin password printed at first start}"
field() { grep -o "\"$1\":\"[^\"]*\"" | head -n1 | cut -d'"' -f4; }   # first string field of a JSON answer
step() { printf '\n== %s\n' "$*"; }

step "1. log in (Kazoo user_auth); the token goes in X-Auth-Token"
AUTH=$(curl -sf -X PUT "$SERVER/v2/user_auth" \
  -d "{\"data\":{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}}")
AUTH_TOKEN=$(echo "$AUTH" | field auth_token)
ACCOUNT_ID=$(echo "$AUTH" | field account_id)
echo "account $ACCOUNT_ID"

step "2. what can run here? (no token needed)"
curl -sf "$SERVER/v2/tasks?category=examples&action=echo"; echo

step "3. create a task from a CSV"
printf 'name,email\nann,ann@example.com\nbob,bob@example.com\n' > /tmp/walkthrough-in.csv
CREATED=$(curl -sf -X PUT -H "X-Auth-Token: $AUTH_TOKEN" -H "Content-Type: text/csv" \
  --data-binary @/tmp/walkthrough-in.csv \
  "$SERVER/v2/accounts/$ACCOUNT_ID/tasks?category=examples&action=echo&file_name=in.csv")
echo "$CREATED"
TASK_ID=$(echo "$CREATED" | field id)

step "4. start it"
curl -sf -X PATCH -H "X-Auth-Token: $AUTH_TOKEN" "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$TASK_ID"; echo

step "5. poll until it is no longer executing"
for _ in $(seq 1 100); do
  STATUS=$(curl -sf -H "X-Auth-Token: $AUTH_TOKEN" "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$TASK_ID" | field status)
  [ "$STATUS" != "executing" ] && [ "$STATUS" != "pending" ] && break
  sleep 0.1
done
echo "status: $STATUS"
[ "$STATUS" = success ]

step "6. download out.csv"
curl -sf -H "Accept: text/csv" -H "X-Auth-Token: $AUTH_TOKEN" \
  "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$TASK_ID?csv_name=out.csv" -o /tmp/walkthrough-out.csv
cat /tmp/walkthrough-out.csv

step "7. start a slow 'sleep' task and stop it"
SLOW=$(curl -sf -X PUT -H "X-Auth-Token: $AUTH_TOKEN" -H "Content-Type: application/json" \
  -d '{"data":{"records":[{"ms":"60000"},{"ms":"60000"}]}}' \
  "$SERVER/v2/accounts/$ACCOUNT_ID/tasks?category=examples&action=sleep" | field id)
curl -sf -X PATCH -H "X-Auth-Token: $AUTH_TOKEN" "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$SLOW" >/dev/null
curl -sf -X PATCH -H "X-Auth-Token: $AUTH_TOKEN" "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$SLOW/stop"; echo

step "8. delete both tasks"
curl -sf -X DELETE -H "X-Auth-Token: $AUTH_TOKEN" "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$TASK_ID" >/dev/null
curl -sf -X DELETE -H "X-Auth-Token: $AUTH_TOKEN" "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$SLOW" >/dev/null
curl -s -o /dev/null -w "after delete: HTTP %{http_code}\n" -H "X-Auth-Token: $AUTH_TOKEN" \
  "$SERVER/v2/accounts/$ACCOUNT_ID/tasks/$TASK_ID"
echo "walkthrough done"
