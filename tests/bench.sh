#!/bin/sh
# tests/bench.sh - `make bench`: speed measured, never asserted by tests.
#
# Every figure is a ratio against an anchor run on the same data in the
# same run, with its goal beside it (issue 13):
#  1. a full scan of a 1,000,000-row duty log (pm-duty show --date: parse
#     and fold one day) against a memchr pass (wc -l), sqlite3 selecting
#     the day from a prebuilt database, and Miller filtering it;
#  2. verify in MB/s, beside sha256sum over the same file;
#  3. the month's complaint report on 10 years against 1 year, archived
#     and never archived, and against sqlite3 giving the same numbers;
#  4. importing the 1,000,000 rows against sqlite3 :memory: .import;
#  5. one pm-duty log against one sqlite3 insert (synchronous=FULL) on
#     the same history;
#  6. peak memory of the everyday and report commands on 10 years.
# Times are medians of whole-process runs (N=11, or 3 for the long ones);
# the two sides of a ratio that the machine's drift could tip (the scan
# and memchr, 10 years and 1, an import and sqlite3's, an add and
# sqlite3's) are run in turn, 21 times each (5 for the imports).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/bin:$PATH
ROWS=${BENCH_ROWS:-1000000}
work=${TMPDIR:-/tmp}/pm-bench.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
export TZ=Asia/Shanghai LC_ALL=C.UTF-8 PM_USER=bench PM_NOW="2026-11-22 09:00"

for tool in sqlite3 mlr; do
	if ! command -v $tool >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		pkg=$tool; [ $tool = mlr ] && pkg=miller
		apt-get install -y -q $pkg >/dev/null 2>&1 || true
	fi
done
have() { command -v "$1" >/dev/null 2>&1; }

now_ns() { date +%s%N; }
# median wall time in seconds of N runs of "$@"
med() {
	n=$1; shift
	i=0
	while [ $i -lt "$n" ]; do
		t0=$(now_ns); "$@" >/dev/null 2>&1 || true; t1=$(now_ns)
		echo $((t1 - t0))
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.4f\n", v[int((NR + 1) / 2)] / 1e9 }'
}
# medians of N runs of two commands taken in turn (A, B, A, B ...), so
# that the shared machine's drift falls on both alike: "A B", seconds;
# SETUP, when given, runs before each A, untimed
alt() {
	n=$1 i=0
	: >"$work/alt.a"
	: >"$work/alt.b"
	while [ $i -lt "$n" ]; do
		[ -z "${4:-}" ] || eval "$4" >/dev/null 2>&1 || true
		t0=$(now_ns); eval "$2" >/dev/null 2>&1 || true; t1=$(now_ns)
		echo $((t1 - t0)) >>"$work/alt.a"
		t0=$(now_ns); eval "$3" >/dev/null 2>&1 || true; t1=$(now_ns)
		echo $((t1 - t0)) >>"$work/alt.b"
		i=$((i + 1))
	done
	for f in a b; do
		sort -n "$work/alt.$f" | awk '{ v[NR] = $1 }
		    END { printf "%.4f ", v[int((NR + 1) / 2)] / 1e9 }'
	done
}
peak_kb() { "$top/tests/maxrss" "$@" 2>&1 >/dev/null | sed -n 's/^maxrss //p' | tail -1; }
test -x "$top/tests/maxrss" || { echo "bench: tests/maxrss is not built (make tests/maxrss)" >&2; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
line() { # WHAT FIGURE GOAL
	printf '   %-52s %10s   goal %s\n' "$1" "$2" "$3"
}

echo "pm-tools benchmark: $ROWS rows, $(nproc) cores, $(date -u +%Y-%m-%d)"
printf 'generating %d log entries ... ' "$ROWS"
awk -v n="$ROWS" 'BEGIN {
	print "at,kind,text,by"
	split("inquiry help incident report other", k, " ")
	for (i = 1; i <= n; i++) {
		s = int(i * 86400 * 30 / n)
		d = 1 + int(s / 86400); h = int(s % 86400 / 3600); m = int(s % 3600 / 60)
		printf "2026-10-%02d %02d:%02d:%02d,%s,\"第%d条: 业主来电咨询物业费, 已答复\",文员%d\n",
		    d, h, m, s % 60, k[1 + i % 5], i, i % 7
	}
}' >"$work/entries.csv"
mkdir "$work/big" && pm-duty -D "$work/big" import "$work/entries.csv" >/dev/null
book=$work/big/duty_log.csv
size=$(stat -c %s "$book")
echo "done ($((size / 1048576)) MB)"

echo
echo "1. a full scan of $((size / 1048576)) MB (pm-duty show --date: parse + fold a day)"
read -r t_show t_wc <<EOF
$(alt 21 "pm-duty -D '$work/big' show --date 2026-10-15 --format csv" "wc -l '$book'")
EOF
line "pm-duty show / memchr pass (wc -l)" "$(ratio "$t_show" "$t_wc")x" "<= 2"
if have sqlite3; then
	sqlite3 "$work/big.db" ".mode csv" ".import $book log" >/dev/null 2>&1
	t_sel=$(med 11 sqlite3 "$work/big.db" "SELECT * FROM log WHERE at LIKE '2026-10-15%';")
	line "sqlite3 select (prebuilt DB) / pm-duty show" "$(ratio "$t_sel" "$t_show")x" ">= 1.5"
else
	echo "   sqlite3 not installed: apt-get install sqlite3"
fi
if have mlr; then
	t_mlr=$(med 3 mlr --icsv --ocsv filter '$at =~ "^2026-10-15"' "$book")
	line "Miller filter / pm-duty show" "$(ratio "$t_mlr" "$t_show")x" ">= 10"
else
	echo "   Miller not installed: apt-get install miller"
fi

echo
echo "2. verify (parse + the SHA-256 chain over the bytes as written)"
t_ver=$(med 11 pm-duty -D "$work/big" verify)
t_sha=$(med 3 sha256sum "$book")
line "pm-duty verify, MB/s" "$(awk -v s="$size" -v t="$t_ver" 'BEGIN { printf "%.0f", s / 1048576 / t }')" ">= 500"
line "  (sha256sum over the same file, MB/s)" "$(awk -v s="$size" -v t="$t_sha" 'BEGIN { printf "%.0f", s / 1048576 / t }')" "-"

echo
echo "3. the month's complaint report: 1 and 10 years, archived and never"
echo "   (2,000 complaints a month, each with 4 steps; 200 left open)"
for y in 1 10; do
	mkdir -p "$work/y$y"
	"$top/tests/histgen" "$work/y$y" PM $((y * 12)) 2000 200
	cp -r "$work/y$y" "$work/a$y"
	pm-report -D "$work/a$y" archive >/dev/null
done
rep() { pm-report -D "$1" complaints --month 2026-10 --format csv; }
# the desk's day before the report: the month's list and the open
# matters keep their months' index entries beside the report's own
for d in y1 y10 a1 a10; do
	pm-complaint -D "$work/$d" list --month 2026-10 >/dev/null
	pm-complaint -D "$work/$d" list --open >/dev/null
	rep "$work/$d" >/dev/null	# the first read keeps the month index
done
read -r r10 r1 <<EOF
$(alt 21 "rep '$work/y10'" "rep '$work/y1'")
EOF
read -r a10 a1 <<EOF
$(alt 21 "rep '$work/a10'" "rep '$work/a1'")
EOF
line "never archived: 10 years / 1 year" "$(ratio "$r10" "$r1")" "<= 1.2"
line "archived: 10 years / 1 year" "$(ratio "$a10" "$a1")" "<= 1.2"
if have sqlite3; then
	sqlite3 "$work/c.db" ".mode csv" ".import $work/y10/complaints.csv reg" \
	    ".import $work/y10/complaint_events.csv ev" >/dev/null 2>&1
	q="SELECT (SELECT count(*) FROM reg WHERE \"at\" LIKE '2026-10%'),
	  (SELECT count(DISTINCT code) FROM ev WHERE step = 'resolve' AND \"at\" LIKE '2026-10%'),
	  (SELECT count(*) FROM reg WHERE \"at\" < '2026-11' AND code NOT IN
	     (SELECT code FROM ev WHERE step = 'resolve' AND \"at\" < '2026-11'));"
	t_q=$(med 3 sqlite3 "$work/c.db" "$q")
	line "never archived, 10 years / sqlite3 (same numbers)" "$(ratio "$r10" "$t_q")" "<= 0.1"
fi
echo "   peak memory, 10 years never archived (KiB; goal <= 32768):"
for c in "pm-report complaints --month 2026-10 --format csv" \
    "pm-complaint list --month 2026-10 --format csv" \
    "pm-complaint list --open --format csv" "pm-complaint overdue --format csv" \
    "pm-complaint show PM-A-KF-000001" "pm-complaint form PM-A-KF-000001" \
    "pm-complaint list --unit 0010100003 --format csv" \
    "pm-complaint list --format csv" "pm-visit list --format csv" \
    "pm-visit due --format csv" "pm-visit rates --month 2026-10" \
    "pm-report visits --quarter 2026Q3 --format csv"; do
	# shellcheck disable=SC2086
	printf '   %8s  %s\n' "$(PM_DATA=$work/y10 peak_kb $c)" "$c"
done
rm -rf "$work/a1" "$work/a10" "$work/y1"

echo
echo "4. importing $ROWS rows (every row validated first, all or nothing)"
# into an empty directory each time; removing the last run's book
# (0.13-0.16 s of 1M rows on ext4 with discard) is set-up, not import
imp="pm-duty -D '$work/imp' import '$work/entries.csv'"
fresh="rm -rf '$work/imp' && mkdir '$work/imp'"
if have sqlite3; then
	read -r t_import t_sqi <<EOF
$(alt 5 "$imp" "sqlite3 :memory: '.mode csv' '.import $work/entries.csv log'" "$fresh")
EOF
	line "sqlite3 .import / pm-duty import" "$(ratio "$t_sqi" "$t_import")x" ">= 2"
else
	eval "$fresh"
	t_import=$(med 1 sh -c "$imp")
fi
line "pm-duty import, s" "$t_import" "-"
line "pm-duty import peak memory, KiB" "$(rm -rf "$work/imp" && mkdir "$work/imp" && PM_DATA=$work/imp peak_kb pm-duty import "$work/entries.csv")" "<= 65536"

echo
echo "5. one row added to the $ROWS-row history, process start to fsync"
ins() {
	sqlite3 "$work/big.db" "PRAGMA synchronous=FULL;" \
	    "INSERT INTO log(\"at\", kind, text, \"by\") VALUES ('2026-11-22 09:00', 'other', '一条', 'b');"
}
if have sqlite3; then
	read -r t_log t_ins <<EOF
$(alt 21 "pm-duty -D '$work/big' log --text 一条新的值班记录" ins)
EOF
	line "pm-duty log / sqlite3 insert (synchronous=FULL)" "$(ratio "$t_log" "$t_ins")" "<= 1"
else
	t_log=$(med 11 pm-duty -D "$work/big" log --text "一条新的值班记录")
fi
line "pm-duty log, ms" "$(awk -v t="$t_log" 'BEGIN { printf "%.1f", t * 1000 }')" "-"

echo
echo "6. peak memory of the everyday commands, 10 years (KiB; goal <= 32768)"
mkdir -p "$work/d10" "$work/k10"
"$top/tests/histgen" --duty "$work/d10" 120 300
"$top/tests/histgen" --keys "$work/k10" 120 100
for c in "pm-duty show --date 2026-10-15 --format csv" "pm-report duty --date 2026-10-15"; do
	# shellcheck disable=SC2086
	printf '   %8s  %s\n' "$(PM_DATA=$work/d10 peak_kb $c)" "$c"
done
for c in "pm-key list --format csv" "pm-report keys --month 2026-10 --format csv"; do
	# shellcheck disable=SC2086
	printf '   %8s  %s\n' "$(PM_DATA=$work/k10 peak_kb $c)" "$c"
done

echo
OFFICES=${BENCH_OFFICES:-500}
echo "7. a head office: $OFFICES offices x 1 year (50 complaints a month each)"
letters=ABCDEFGHIJKLMNOPQRSTUVWXYZ
i=0
while [ $i -lt "$OFFICES" ]; do
	code=G$(echo $letters | cut -c$((i / 676 % 26 + 1)))$(echo $letters | cut -c$((i / 26 % 26 + 1)))$(echo $letters | cut -c$((i % 26 + 1)))
	d=$work/group/$code
	mkdir -p "$d"
	printf 'office = %s\nhouseholds = 1000\n' "$code" >"$d/pm.conf"
	"$top/tests/histgen" "$d" "$code" 12 50 5
	i=$((i + 1))
done
set --
for d in "$work"/group/*; do set -- "$@" -D "$d"; done
t_grp=$(med 3 pm-report "$@" complaints --month 2026-10 --format csv)
line "pm-report, $OFFICES x -D, the month's complaints, s" "$t_grp" "-"
line "  peak memory, KiB" "$(peak_kb pm-report "$@" complaints --month 2026-10 --format csv)" "-"
duck=$top/contrib/duckdb
if [ -d "$duck/node_modules/@duckdb/node-api" ] ||
    npm install --prefix "$duck" --no-audit --no-fund >/dev/null 2>&1; then
	t_dk=$(med 3 node "$duck/group.mjs" --month 2026-10 "$work"/group/*)
	line "DuckDB recipe (contrib/duckdb), the same month, s" "$t_dk" "-"
	line "  peak memory, KiB" "$(peak_kb node "$duck/group.mjs" --month 2026-10 "$work"/group/*)" "-"
	line "pm-report / DuckDB" "$(ratio "$t_grp" "$t_dk")" "-"
else
	echo "   DuckDB recipe: npm install --prefix contrib/duckdb (the npm registry)"
fi
