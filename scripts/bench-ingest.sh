#!/usr/bin/env bash
# bench-ingest.sh times socfeed over SigninLogs-shaped JSON lines, against issue 4's bar:
# `query --data` over raw JSON end to end at most 2.85 s per GB (twice as fast as DuckDB's
# load plus query), peak memory under 0.6 x the input, and a query over a store that does
# not read the JSON again.
#
# usage: scripts/bench-ingest.sh [WORKDIR]
#   USERS=1800 DAYS=30 SEED=2  size of the generated tenant (socfeed gen); 1800 users x 30
#                              days is about 1.1 GB of SigninLogs at about 6.6 KB a row
#   RUNS=2                     how many times each timed step runs
#   QUERY='...'                the query for steps (a)-(c)
# The data is generated once into WORKDIR (default /tmp/socfeed-bench-ingest) and reused.
# Each step runs under /usr/bin/time: wall seconds and peak RSS. Steps (a') and (c') run
# internal/benchingest, which loads only the columns the query reads (logs.QueryColumns
# into logs.Options.Columns), as `socfeed query` will once it passes them; (a'') is the
# same program loading every column. Steps (e) and (f) time the same query over the same
# rows as one JSON array (SigninLogs.json, made from the JSON lines) and as the portal's
# CSV (socfeed gen --format csv, same tenant), which Load streams as it does JSON lines;
# (e'') and (f'') build every column.
#   FORMATS=0                  skip steps (e) and (f)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/socfeed-bench-ingest}
users=${USERS:-1800}
days=${DAYS:-30}
seed=${SEED:-2}
runs=${RUNS:-2}
query=${QUERY:-'SigninLogs
| where AppDisplayName == "Azure Portal" or ResultType == "50126"
| extend OS = tostring(DeviceDetail.operatingSystem), City = tostring(LocationDetails.city)
| summarize Attempts = count(), Failures = countif(ResultType != "0"), IPs = dcount(IPAddress) by UserPrincipalName, OS, City
| sort by Failures desc, UserPrincipalName asc
| take 5'}

mkdir -p "$work/bin"
echo "== build"
(cd "$root" && go build -o "$work/bin/socfeed" ./cmd/socfeed && go build -o "$work/bin/benchingest" ./internal/benchingest)
socfeed=$work/bin/socfeed

data=$work/data-u$users-d$days-s$seed
if [ ! -s "$data/SigninLogs.jsonl" ]; then
	echo "== socfeed gen --users $users --days $days --seed $seed"
	rm -rf "$data"
	"$socfeed" gen --out "$data" --users "$users" --days "$days" --seed "$seed"
fi
signins=$data/SigninLogs.jsonl
bytes=$(stat -c %s "$signins")
rows=$(wc -l <"$signins")
echo "== data: $signins"
awk -v b="$bytes" -v r="$rows" 'BEGIN { printf "%d bytes (%.3f GB), %d rows, %.0f bytes a row\n", b, b/1e9, r, b/r }'

# timed NAME INPUT_BYTES INPUT_ROWS CMD...: runs CMD, prints wall, GB/s, s/GB, rows/s, peak RSS.
timed() {
	local name=$1 in=$2 nrows=$3
	shift 3
	local t=$work/time.txt
	if ! /usr/bin/time -f '%e %M' -o "$t" "$@" >"$work/out.txt" 2>"$work/err.txt"; then
		echo "$name: FAILED (exit status in $work/err.txt):"
		tail -n 5 "$work/err.txt"
		return 1
	fi
	read -r wall kb <"$t"
	awk -v n="$name" -v w="$wall" -v kb="$kb" -v b="$in" -v r="$nrows" 'BEGIN {
		printf "%-34s %6.2f s  %6.3f GB/s  %6.2f s/GB  %8.0f rows/s  peak RSS %5.0f MB = %.2f x input\n",
			n, w, b/1e9/w, w/(b/1e9), r/w, kb/1024, kb*1024/b }'
}

# (e), (f): the same rows as a JSON array and as CSV, made once.
formats=${FORMATS:-1}
arr=$data/array/SigninLogs.json
csvfile=$data-csv/SigninLogs.csv
if [ "$formats" = 1 ]; then
	if [ ! -s "$arr" ]; then
		echo "== $arr from the JSON lines"
		mkdir -p "$data/array"
		{ echo '['; sed '$!s/$/,/' "$signins"; echo ']'; } >"$arr.tmp" && mv "$arr.tmp" "$arr"
	fi
	if [ ! -s "$csvfile" ]; then
		echo "== socfeed gen --format csv --users $users --days $days --seed $seed"
		rm -rf "$data-csv"
		"$socfeed" gen --out "$data-csv" --format csv --users "$users" --days "$days" --seed "$seed"
	fi
	arr_bytes=$(stat -c %s "$arr")
	csv_bytes=$(stat -c %s "$csvfile")
	echo "== JSON array: $arr_bytes bytes; CSV: $csvfile, $csv_bytes bytes"
fi

# The hunt reads the three tables of the seed rule's query.
hunt_files=("$data/SigninLogs.jsonl" "$data/AuditLogs.jsonl" "$data/SecurityAlert.jsonl")
hunt_bytes=$(cat "${hunt_files[@]}" | wc -c)
seed_rule=$root/../shared/seeds/seed-rule.yaml
if [ ! -f "$seed_rule" ]; then
	# No ../shared: a rule with a join of the same shape as the seed's.
	seed_rule=$work/seed-like.yaml
	cat >"$seed_rule" <<'YAML'
id: 3f0c35a8-0b9e-4f34-9d43-4b1e3f5c2a10
name: Failed Azure Portal sign-ins of accounts with role changes (seed-like)
severity: Medium
kind: Scheduled
queryFrequency: 1d
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
query: |
  SigninLogs
  | where AppDisplayName == "Azure Portal"
  | where ResultType == "50126"
  | extend State = tostring(LocationDetails.state), StatusCode = tostring(Status.errorCode)
  | project UserPrincipalName, AppDisplayName, ResultType, ResultDescription, StatusCode, Location, State, IPAddress
  | extend AccountCustomEntity = tolower(UserPrincipalName)
  | join kind=inner (
      AuditLogs
      | where Category =~ "RoleManagement"
      | extend Target = tolower(tostring(TargetResources[0].userPrincipalName))
      | project TimeGenerated, OperationName, Target
    ) on $left.AccountCustomEntity == $right.Target
YAML
fi

store=$work/store
echo "== query: $(echo "$query" | tr '\n' ' ')"
echo "== figures (bar: end to end <= 2.85 s/GB, peak RSS < 0.6 x input)"
for run in $(seq 1 "$runs"); do
	echo "-- run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	timed "(a) query --data JSON" "$bytes" "$rows" "$socfeed" query --data "$signins" "$query"
	cp "$work/out.txt" "$work/result-json.txt"
	timed "(a') benchingest, columns pushed" "$bytes" "$rows" "$work/bin/benchingest" -query "$query" "$signins"
	grep '^result\|^  ' "$work/out.txt" >"$work/result-pushed.txt"
	timed "(a'') benchingest, all columns" "$bytes" "$rows" "$work/bin/benchingest" -columns=false -query "$query" "$signins"
	grep '^result\|^  ' "$work/out.txt" >"$work/result-all.txt"
	rm -rf "$store"
	timed "(b) ingest --store" "$bytes" "$rows" "$socfeed" ingest --store "$store" "$signins"
	timed "(c) query --data STORE" "$bytes" "$rows" "$socfeed" query --data "$store" "$query"
	cp "$work/out.txt" "$work/result-store.txt"
	timed "(c') benchingest STORE, pushed" "$bytes" "$rows" "$work/bin/benchingest" -query "$query" "$store"
	grep '^result\|^  ' "$work/out.txt" >"$work/result-store-pushed.txt"
	timed "(d) hunt seed rule over JSON" "$hunt_bytes" "$rows" "$socfeed" hunt --rules "$seed_rule" --data "${hunt_files[@]}"
	cp "$work/out.txt" "$work/result-hunt.txt"
	if [ "$formats" = 1 ]; then
		timed "(e) query --data JSON array" "$arr_bytes" "$rows" "$socfeed" query --data "$arr" "$query"
		cp "$work/out.txt" "$work/result-array.txt"
		timed "(e'') benchingest array, all columns" "$arr_bytes" "$rows" "$work/bin/benchingest" -columns=false -query "$query" "$arr"
		timed "(f) query --data CSV" "$csv_bytes" "$rows" "$socfeed" query --data "$csvfile" "$query"
		cp "$work/out.txt" "$work/result-csv.txt"
		timed "(f'') benchingest CSV, all columns" "$csv_bytes" "$rows" "$work/bin/benchingest" -columns=false -query "$query" "$csvfile"
	fi
done
if [ "$formats" = 1 ]; then
	for f in result-array result-csv; do
		if cmp -s "$work/result-json.txt" "$work/$f.txt"; then
			echo "== $f: same result as over the JSON lines"
		else
			echo "== RESULTS DIFFER: $f against the JSON lines:"
			diff "$work/result-json.txt" "$work/$f.txt" | head -n 20 || true
		fi
	done
fi
echo "== store: $(du -sb "$store" | cut -f1) bytes for $bytes bytes of JSON"
if cmp -s "$work/result-json.txt" "$work/result-store.txt"; then
	echo "== query over the store gives the same result as over the JSON"
else
	echo "== RESULTS DIFFER between JSON and store:"
	diff "$work/result-json.txt" "$work/result-store.txt" | head -n 20 || true
fi
cat "$work/result-json.txt"
for f in result-pushed result-store-pushed; do
	if cmp -s "$work/result-all.txt" "$work/$f.txt"; then
		echo "== $f: same result as with every column"
	else
		echo "== RESULTS DIFFER: $f against every column:"
		diff "$work/result-all.txt" "$work/$f.txt" | head -n 20 || true
	fi
done
echo "== hunt result (first lines):"
head -n 8 "$work/result-hunt.txt"
if command -v strace >/dev/null; then
	opened=$(strace -f -e trace=openat -o /dev/stdout "$socfeed" query --data "$store" "$query" 2>/dev/null |
		grep -o '"[^"]*\.\(jsonl\|json\|parquet\)[^"]*"' | sort -u || true)
	echo "== files the store query opens:"
	echo "${opened:-(none)}"
	if echo "$opened" | grep -qF "$data/"; then
		echo "FAIL: the store query reads the JSON data"
	else
		echo "ok: the store query opens no file of $data (socfeed-store.json is the store's manifest)"
	fi
fi
