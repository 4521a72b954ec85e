#!/usr/bin/env bash
# The README's EntryScape walkthrough, against a running server:
#   scripts/entryscape-walkthrough.sh [BASE_URL] [ADMIN_PASSWORD]
# BASE_URL defaults to $TASKRUNNER_URL or http://127.0.0.1:8000/, the password to
# $TASKRUNNER_ADMIN_PASSWORD (or $ADMIN_PASSWORD). CTX (default 1) names the context it creates; use another
# one to run it again on the same data directory. Needs only curl, sed and grep.
set -euo pipefail
B="${1:-${TASKRUNNER_URL:-http://127.0.0.1:8000/}}"
B="${B%/}/"
PW="${2:-${TASKRUNNER_ADMIN_PASSWORD:-${ADMIN_PASSWORD:-}}}"
[ -n "$PW" ] || { echo "usage: $0 BASE_URL ADMIN_PASSWORD (or set TASKRUNNER_ADMIN_PASSWORD)" >&2; exit 2; }
CTX="${CTX:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; } # one string field of a JSON answer
fail() { echo "walkthrough: $*" >&2; exit 1; }

printf 'station,value\nA,1\nB,2\n' > "$work/first.csv"
printf 'station,value\nC,3\nD,4\n' > "$work/example.csv"
printf 'station,value\nA,10\nB,20\nE,50\n' > "$work/replacement.csv"

step "1. Log in (EntryStore cookie login)"
headers="$(curl -s -D - -o "$work/login.html" --location --request POST "${B}store/auth/cookie" \
  --header 'Content-Type: application/x-www-form-urlencoded' \
  --data-urlencode 'auth_username=admin' \
  --data-urlencode "auth_password=$PW")"
echo "$headers" | grep -i '^set-cookie' | sed 's/auth_token=[^;]*/auth_token=***/'
grep -q 'Login successful' "$work/login.html" || fail "login failed"
TOKEN="$(echo "$headers" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: auth_token=\([^;]*\);.*/\1/p')"

step "2. A context (catalog), created by the admin"
curl -s --fail-with-body -X POST "${B}store/_contexts?id=${CTX}&graphtype=context" --header "Cookie: auth_token=$TOKEN"; echo
DIST="${B}store/${CTX}/resource/5"
FILE="${B}store/${CTX}/resource/6"

step "3. A distribution (entry 5) and its first file (entry 6)"
curl -s --fail-with-body -X POST "${B}store/${CTX}?id=5&informationresource=false" --header "Cookie: auth_token=$TOKEN" \
  --header 'Content-Type: application/json' --data "{\"metadata\":{\"$DIST\":{
    \"http://www.w3.org/1999/02/22-rdf-syntax-ns#type\":[{\"type\":\"uri\",\"value\":\"http://www.w3.org/ns/dcat#Distribution\"}],
    \"http://purl.org/dc/terms/title\":[{\"type\":\"literal\",\"value\":\"Air quality\"}]}}}"; echo
curl -s --fail-with-body -X POST "${B}store/${CTX}?id=6" --header "Cookie: auth_token=$TOKEN" \
  --header 'Content-Type: application/json' --data "{\"metadata\":{\"$FILE\":{
    \"http://www.w3.org/1999/02/22-rdf-syntax-ns#type\":[{\"type\":\"uri\",\"value\":\"http://entryscape.com/terms/File\"}],
    \"http://purl.org/dc/terms/title\":[{\"type\":\"literal\",\"value\":\"first.csv\"}]}}}"; echo
curl -s --fail-with-body -X PUT "${B}store/${CTX}/resource/6" --header "Cookie: auth_token=$TOKEN" --form "file=@\"$work/first.csv\";type=text/csv"
curl -s --fail-with-body -X PUT "${B}store/${CTX}/metadata/5" --header "Cookie: auth_token=$TOKEN" \
  --header 'Content-Type: application/json' --data "{\"$DIST\":{
    \"http://www.w3.org/1999/02/22-rdf-syntax-ns#type\":[{\"type\":\"uri\",\"value\":\"http://www.w3.org/ns/dcat#Distribution\"}],
    \"http://purl.org/dc/terms/title\":[{\"type\":\"literal\",\"value\":\"Air quality\"}],
    \"http://purl.org/dc/terms/format\":[{\"type\":\"literal\",\"value\":\"text/csv\"}],
    \"http://www.w3.org/ns/dcat#downloadURL\":[{\"type\":\"uri\",\"value\":\"$FILE\"}],
    \"http://www.w3.org/ns/dcat#accessURL\":[{\"type\":\"uri\",\"value\":\"$FILE\"}]}}"
echo "distribution $DIST lists file $FILE"

step "4. The API, as EntryScape makes it: the context's rowstore pipeline run on the file, then an API distribution (entry 7)"
PIPELINE="${B}store/${CTX}/entry/rowstorePipeline"
curl -s --fail-with-body -X POST "${B}store/${CTX}?id=rowstorePipeline&graphtype=pipeline" --header "Cookie: auth_token=$TOKEN"; echo
curl -s --fail-with-body -X PUT "${B}store/${CTX}/resource/rowstorePipeline" --header "Cookie: auth_token=$TOKEN" \
  --header 'Content-Type: application/json' --data "{\"${B}store/${CTX}/resource/rowstorePipeline\":{
    \"http://entrystore.org/terms/transform\":[{\"type\":\"bnode\",\"value\":\"_:t\"}]},
  \"_:t\":{\"http://entrystore.org/terms/transformType\":[{\"type\":\"literal\",\"value\":\"rowstore\"}],
    \"http://entrystore.org/terms/transformArgument\":[{\"type\":\"bnode\",\"value\":\"_:a\"}]},
  \"_:a\":{\"http://entrystore.org/terms/transformArgumentKey\":[{\"type\":\"literal\",\"value\":\"action\"}],
    \"http://entrystore.org/terms/transformArgumentValue\":[{\"type\":\"literal\",\"value\":\"create\"}]}}"
executed="$(curl -s --fail-with-body -X POST "${B}store/${CTX}/execute" --header "Cookie: auth_token=$TOKEN" \
  --header 'Content-Type: application/json' --data "{\"pipeline\":\"$PIPELINE\",\"source\":\"${B}store/${CTX}/entry/6\"}")"
echo "$executed"
RESULT="$(echo "$executed" | sed -n 's/.*\/entry\/\([^"]*\)".*/\1/p')"
API="$(curl -s -o /dev/null -w '%{redirect_url}' --header "Cookie: auth_token=$TOKEN" "${B}store/${CTX}/resource/$RESULT")"
echo "pipeline result $RESULT: dataset $API"
[ -n "$API" ] || fail "the pipeline result names no dataset"
curl -s --fail-with-body -G "${B}store/proxy" --data-urlencode "url=$API/info"; echo
curl -s --fail-with-body -X POST "${B}store/${CTX}?id=7&informationresource=false" --header "Cookie: auth_token=$TOKEN" \
  --header 'Content-Type: application/json' --data "{\"metadata\":{\"${B}store/${CTX}/resource/7\":{
    \"http://www.w3.org/1999/02/22-rdf-syntax-ns#type\":[{\"type\":\"uri\",\"value\":\"http://www.w3.org/ns/dcat#Distribution\"}],
    \"http://www.w3.org/ns/dcat#accessURL\":[{\"type\":\"uri\",\"value\":\"$API\"}],
    \"http://purl.org/dc/terms/source\":[{\"type\":\"uri\",\"value\":\"$DIST\"}],
    \"http://purl.org/dc/terms/conformsTo\":[{\"type\":\"uri\",\"value\":\"$API/swagger\"}],
    \"http://purl.org/dc/terms/format\":[{\"type\":\"literal\",\"value\":\"application/json\"}]}}}"; echo

step "5. The API before"
curl -s "$API/json"; echo

await_job() { # polls GET /taskrunner/v1/job/<id> (no cookie) until Success or Failed
  local status
  for _ in $(seq 1 300); do
    status="$(curl -s "${B}taskrunner/v1/job/$1")"
    case "$(echo "$status" | field status)" in
      Success) echo "$status"; return 0 ;;
      Failed) echo "$status"; fail "job $1 failed" ;;
    esac
    sleep 0.2
  done
  fail "job $1 did not finish"
}

step "6. addFile, exactly as the Taskrunner docs call it"
answer="$(curl --location \
--request POST "${B}taskrunner/v1/distribution/addFile?resourceURI=${DIST}" \
--header "Cookie: auth_token=$TOKEN" \
--form "file=@\"$work/example.csv\"")"
echo "$answer"
await_job "$(echo "$answer" | field jobId)"

step "7. The API after addFile: the rows of both files"
curl -s "$API/json"; echo

step "8. replaceFile of the first file, exactly as the Taskrunner docs call it"
answer="$(curl --location \
--request POST "${B}taskrunner/v1/distribution/replaceFile?resourceURI=${FILE}" \
--header "Cookie: auth_token=$TOKEN" \
--form "file=@\"$work/replacement.csv\"")"
echo "$answer"
await_job "$(echo "$answer" | field jobId)"

step "9. The API after replaceFile: rebuilt from the replacement and the added file"
curl -s "$API/json"; echo
curl -s "$API/json?station=E"; echo
