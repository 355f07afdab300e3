#!/bin/sh
# tests/bench.sh - `make bench`: speed measured, never asserted by tests.
#
#  1. pm-duty log end to end (process start to fsync'd row): the median
#     of 31 runs on a book of 1 row and on one of 1,000,000 rows.  The
#     ratio should stay <= 1.2: appending does not grow with history.
#  2. A full-history scan of the 1,000,000-row book (pm-duty verify:
#     parse + SHA-256 chain; pm-duty show: parse + fold) in MB/s, beside
#     wc -l, sqlite3 and Miller answering the same question on the same
#     data.
#  3. pm-complaint add and overdue on a book of 1,000 events and one of
#     1,000,000, both archived monthly (pm-report archive): ratio <= 1.2.
#  4. pm-report complaints for last month on 1 and on 10 years of
#     archived history: ratio <= 1.2 (the report reads its volumes).
#  5. pm-duty handover and pm-key lend on 1 and on 10 years of archived
#     history: ratio <= 1.2 (they read the live book and last month).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/bin:$PATH
ROWS=${BENCH_ROWS:-1000000}
work=${TMPDIR:-/tmp}/pm-bench.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/small" "$work/big"
export TZ=Asia/Shanghai LC_ALL=C.UTF-8 PM_USER=bench

for tool in sqlite3 mlr; do
	if ! command -v $tool >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		pkg=$tool; [ $tool = mlr ] && pkg=miller
		apt-get install -y -q $pkg >/dev/null 2>&1 || true
	fi
done

now_ns() { date +%s%N; }
# median wall time in ms of running "$@" N times
median_ms() {
	n=$1; shift
	i=0
	while [ $i -lt "$n" ]; do
		t0=$(now_ns); "$@" >/dev/null 2>&1; t1=$(now_ns)
		echo $(( (t1 - t0) / 1000 ))
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f\n", v[int((NR + 1) / 2)] / 1000 }'
}
once_s() {
	t0=$(now_ns); "$@" >/dev/null 2>&1; t1=$(now_ns)
	awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1e9 }'
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
PM_NOW="2026-11-22 09:00" pm-duty -D "$work/big" import "$work/entries.csv" >/dev/null
PM_NOW="2026-11-22 09:00" pm-duty -D "$work/small" log --text "第一条" >/dev/null
size=$(stat -c %s "$work/big/duty_log.csv")
echo "done ($((size / 1048576)) MB)"

echo
echo "1. pm-duty log, process start to fsync'd row (median of 31)"
small=$(median_ms 31 pm-duty -D "$work/small" log --text "一条新的值班记录")
big=$(median_ms 31 pm-duty -D "$work/big" log --text "一条新的值班记录")
printf '   %-28s %8s ms\n' "book of 1 row" "$small" "book of $ROWS rows" "$big"
awk -v a="$small" -v b="$big" 'BEGIN { printf "   ratio %.2f (should be <= 1.2)\n", b / a }'

echo
echo "2. full-history scan of $((size / 1048576)) MB"
mb() { awk -v s="$size" -v t="$1" 'BEGIN { printf "%8.1f MB/s  (%.2f s)", s / 1048576 / t, t }'; }
t_wc=$(once_s wc -l "$work/big/duty_log.csv")
t_verify=$(once_s pm-duty -D "$work/big" verify)
t_show=$(once_s pm-duty -D "$work/big" show --date 2026-10-15 --format csv)
printf '   %-44s %s\n' "wc -l" "$(mb "$t_wc")"
printf '   %-44s %s\n' "pm-duty verify (parse + SHA-256 chain)" "$(mb "$t_verify")"
printf '   %-44s %s\n' "pm-duty show --date (parse + fold one day)" "$(mb "$t_show")"
if command -v mlr >/dev/null 2>&1; then
	t_mlr=$(once_s mlr --icsv --ocsv filter '$at =~ "^2026-10-15"' "$work/big/duty_log.csv")
	printf '   %-44s %s\n' "Miller: filter one day" "$(mb "$t_mlr")"
	awk -v a="$t_show" -v b="$t_mlr" 'BEGIN { printf "   pm-duty show / Miller time ratio: %.2f\n", a / b }'
else
	echo "   Miller (mlr) not installed: apt-get install miller"
fi
if command -v sqlite3 >/dev/null 2>&1; then
	t_load=$(once_s sqlite3 "$work/big.db" ".mode csv" ".import $work/big/duty_log.csv log")
	t_sql=$(once_s sqlite3 "$work/big.db" "SELECT * FROM log WHERE at LIKE '2026-10-15%';")
	printf '   %-44s %s\n' "sqlite3: .import (load once)" "$(mb "$t_load")"
	printf '   %-44s %s\n' "sqlite3: select one day (table scan)" "$(mb "$t_sql")"
	awk -v a="$t_show" -v b="$t_sql" 'BEGIN { printf "   pm-duty show / sqlite3 select time ratio: %.2f\n", a / b }'
else
	echo "   sqlite3 not installed: apt-get install sqlite3"
fi

echo
echo "3. pm-complaint add and overdue: a book of 1,000 events and one of $ROWS"
echo "   (the same 200 open complaints; the closed history archived monthly)"
# closed complaints are 5 rows each (registration + 4 steps)
export PM_NOW="2026-11-22 09:00"
for dir in c1k cbig; do
	n=1000; [ $dir = cbig ] && n=$ROWS
	months=12; per=$(( (n - 200) / 5 / months ))
	mkdir -p "$work/$dir"
	"$top/tests/histgen" "$work/$dir" PM $months $per 200
	pm-report -D "$work/$dir" archive >/dev/null
done
a1=$(median_ms 11 pm-complaint -D "$work/c1k" add --unit 0010100001 --name 甲 --text 新投诉)
a2=$(median_ms 11 pm-complaint -D "$work/cbig" add --unit 0010100001 --name 甲 --text 新投诉)
o1=$(median_ms 11 pm-complaint -D "$work/c1k" overdue --format csv)
o2=$(median_ms 11 pm-complaint -D "$work/cbig" overdue --format csv)
printf '   %-28s %10s ms %10s ms\n' "" "1,000" "$ROWS" "add" "$a1" "$a2" "overdue" "$o1" "$o2"
awk -v a="$a1" -v b="$a2" -v c="$o1" -v d="$o2" 'BEGIN {
	printf "   add ratio %.2f, overdue ratio %.2f (bound: 1.2)\n", b / a, d / c }'
rm -rf "$work/c1k" "$work/cbig"

echo
echo "4. pm-report complaints for last month: 1 year of history and 10 years"
echo "   (2,000 complaints a month, archived; the report reads its volumes)"
for years in 1 10; do
	mkdir -p "$work/y$years"
	"$top/tests/histgen" "$work/y$years" PM $((years * 12)) 2000 200
	pm-report -D "$work/y$years" archive >/dev/null
done
r1=$(median_ms 11 pm-report -D "$work/y1" complaints --month 2026-10 --format csv)
r10=$(median_ms 11 pm-report -D "$work/y10" complaints --month 2026-10 --format csv)
printf '   %-28s %10s ms %10s ms\n' "" "1 year" "10 years" "complaints --month" "$r1" "$r10"
awk -v a="$r1" -v b="$r10" 'BEGIN { printf "   ratio %.2f (bound: 1.2)\n", b / a }'
rm -rf "$work/y1" "$work/y10"

echo
echo "5. a clerk's handover and key loan: 1 year of history and 10 years"
echo "   (300 log entries and 100 units' keys a month, archived monthly; a refused"
echo "   handover and a loan from a full cabinet, so each run does the same work)"
for years in 1 10; do
	mkdir -p "$work/d$years" "$work/k$years"
	"$top/tests/histgen" --duty "$work/d$years" $((years * 12)) 300
	"$top/tests/histgen" --keys "$work/k$years" $((years * 12)) 100
	pm-report -D "$work/d$years" archive >/dev/null
	pm-report -D "$work/k$years" archive >/dev/null
done
handover() { pm-duty -D "$1" handover --from 乙 --to 甲 --items 对讲机=2 --refuse --reason 未到岗; }
lend() { pm-key -D "$1" lend --unit 0010199999 --count 1 --to 张工 --dept 工程部 --work-id G1; }
h1=$(median_ms 11 handover "$work/d1")
h10=$(median_ms 11 handover "$work/d10")
k1=$(median_ms 11 lend "$work/k1")
k10=$(median_ms 11 lend "$work/k10")
printf '   %-28s %10s ms %10s ms\n' "" "1 year" "10 years" "pm-duty handover" "$h1" "$h10" \
    "pm-key lend" "$k1" "$k10"
awk -v a="$h1" -v b="$h10" -v c="$k1" -v d="$k10" 'BEGIN {
	printf "   handover ratio %.2f, lend ratio %.2f (bound: 1.2)\n", b / a, d / c }'
rm -rf "$work/d1" "$work/d10" "$work/k1" "$work/k10"
