#!/bin/sh
# The head office's DuckDB recipe (contrib/duckdb, issue 18): the month's
# complaint statistics of several offices straight from their books and
# volumes equal pm-report's, office by office.  Needs node and npm; the
# package comes from the npm registry (npm install in contrib/duckdb).
. "$(dirname "$0")/lib.sh"

R=$TOP/contrib/duckdb
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "ok - skipped: the DuckDB recipe needs node and npm (apt-get install nodejs npm)"
	exit 0
fi
if [ ! -d "$R/node_modules/@duckdb/node-api" ] &&
    ! npm install --prefix "$R" --no-audit --no-fund >"$T/npm.log" 2>&1; then
	echo "ok - skipped: npm could not install @duckdb/node-api ($(tail -1 "$T/npm.log"))"
	exit 0
fi

U=0010102030
export PM_USER=孙丽
add() { # DIR WHEN IMPORTANCE CATEGORY [more]
	d=$1 w=$2 i=$3 c=$4; shift 4
	PM_NOW="$w" pm-complaint -D "$d" add --unit $U --name 甲 --text 事由 \
	    --importance "$i" --category "$c" "$@" >/dev/null 2>&1
}
step() { # DIR WHEN STEP CODE ARGS
	d=$1 w=$2; shift 2
	PM_NOW="$w" pm-complaint -D "$d" "$@" >/dev/null
}
A=$T/XDZA B=$T/XDZB C=$T/XDZC
office "$A" XDZA 200
office "$B" XDZB 100
office "$C" XDZC 50
# October, handled in November; November's own, on time, late, extended,
# by a requested time, reviewed; a request
add "$A" "2026-10-30 09:00" B GC
add "$A" "2026-11-02 09:00" A GC
add "$A" "2026-11-02 09:00" C YY --requested-by "2026-11-12 18:00"
step "$A" "2026-11-03 09:00" resolve XDZA-B-GC-000001 --result 修好
step "$A" "2026-11-10 09:00" resolve XDZA-C-YY-000003 --result 修好
step "$A" "2026-11-10 10:00" review XDZA-C-YY-000003 --valid yes
PM_NOW="2026-11-05 09:00" pm-complaint -D "$A" add --kind request --unit $U \
    --name 乙 --text 咨询 >/dev/null 2>&1
add "$B" "2026-11-02 09:00" B GC
add "$B" "2026-11-02 09:00" B BJ
step "$B" "2026-11-04 09:00" extend XDZB-B-GC-000001 --until "2026-11-20 18:00" \
    --approved-by 刘经理
step "$B" "2026-11-15 09:00" resolve XDZB-B-GC-000001 --result 修好
step "$B" "2026-11-15 09:00" resolve XDZB-B-BJ-000002 --result 修好
step "$B" "2026-11-15 10:00" review XDZB-B-BJ-000002 --valid no
visit() { # DIR WHEN pm-visit ARGS
	d=$1 w=$2; shift 2
	PM_NOW="$w" pm-visit -D "$d" "$@" >/dev/null
}
# the return visits: A's two handled ones visited (one satisfied and
# reviewed pass, one not satisfied); B's BJ visited (basic, pass), its GC not
visit "$A" "2026-11-04 10:00" checkout XDZA-B-GC-000001 --visitor 张主管
visit "$A" "2026-11-04 11:00" record XDZA-B-GC-000001 --visitor 张主管 --quality 5 \
    --attitude 5 --satisfaction satisfied
visit "$A" "2026-11-04 12:00" review XDZA-B-GC-000001 --by 张主管 --verdict pass
visit "$A" "2026-11-11 10:00" checkout XDZA-C-YY-000003 --visitor 张主管
visit "$A" "2026-11-11 11:00" record XDZA-C-YY-000003 --visitor 张主管 --quality 2 \
    --attitude 3 --satisfaction unsatisfied
visit "$B" "2026-11-16 10:00" checkout XDZB-B-BJ-000002 --visitor 张主管
visit "$B" "2026-11-16 11:00" record XDZB-B-BJ-000002 --visitor 张主管 --quality 4 \
    --attitude 4 --satisfaction basic
visit "$B" "2026-11-16 12:00" review XDZB-B-BJ-000002 --by 张主管 --verdict pass
step "$A" "2026-11-20 09:00" close XDZA-B-GC-000001
step "$B" "2026-11-20 09:00" close XDZB-B-BJ-000002
# C's requests, one of each type, in time order
rq() { # WHEN TYPE [more]
	w=$1 t=$2; shift 2
	PM_NOW="$w" pm-complaint -D "$C" add --kind request --type "$t" --unit $U \
	    --name 丙 --text 事由 "$@" >/dev/null
}
rq "2026-11-03 09:00" suggestion
rq "2026-11-03 09:00" help
step "$C" "2026-11-03 15:00" resolve XDZC-R-000002 --result 已帮忙
step "$C" "2026-11-04 09:00" reply XDZC-R-000001 --text 谢谢 --adopted yes
rq "2026-11-05 09:00" repair
rq "2026-11-05 09:00" inquiry --reply-by "2026-11-06 12:00"
step "$C" "2026-11-06 10:00" resolve XDZC-R-000003 --result 已修好
step "$C" "2026-11-06 11:00" reply XDZC-R-000004 --text 已答复
step "$C" "2026-11-07 09:00" notify XDZC-R-000003
add "$C" "2026-11-20 09:00" B KF
add "$C" "2026-12-01 09:00" B KF
# and the demo office of make demo, as a real desk leaves it
D=$T/XFJY
sh "$TOP/data/demo.sh" "$D" >/dev/null 2>&1
export PM_NOW="2026-12-02 09:00"
unset PM_DATA

# pm-report's figures of each office, as the recipe prints them
expected() { # MONTH DIR...
	m=$1; shift
	for d; do
		pm-report -D "$d" complaints --month "$m" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
keys = ["office", "month", "total", "by_importance", "by_category", "handled", "timely_rate",
        "valid_rate", "complaint_rate", "open_carried", "requests", "callback_rate",
        "satisfaction_rate", "correct_rate", "request_types"]
n = lambda v: {k: n(x) for k, x in v.items()} if isinstance(v, dict) else \
    float(v) if isinstance(v, (int, float)) else v
print(json.dumps(n({k: d[k] for k in keys}), sort_keys=True))'
	done
}
recipe() { # MONTH DIR...
	m=$1; shift
	node "$R/group.mjs" --month "$m" "$@" |
	    python3 -c 'import json, sys
n = lambda v: {k: n(x) for k, x in v.items()} if isinstance(v, dict) else \
    float(v) if isinstance(v, (int, float)) else v
for l in sys.stdin: print(json.dumps(n(json.loads(l)), sort_keys=True))'
}

test_expect_success 'the recipe gives pm-report'"'"'s numbers, office by office' '
	test -s "$D/complaints.csv" &&
	for m in 2026-10 2026-11 2026-12; do
		expected $m "$A" "$B" "$C" "$D" >"$T/want" &&
		recipe $m "$A" "$B" "$C" "$D" >"$T/got" &&
		test "$(wc -l <"$T/got")" = 4 &&
		cmp "$T/want" "$T/got" || { echo "$m"; diff "$T/want" "$T/got"; exit 1; }
	done
'

# A in November: 2 registered (A GC, C YY); handled 2: October's B, due
# 11-02 09:00 and handled 11-03 (late), the C by its requested 11-12 (on
# time): 1 of 2; 1 request; 2 / 200 households.  B: the extended one on
# time, the other late: 1 of 2; one reviewed, invalid.  Visits: A 2 of 2
# visited, 1 of 2 satisfied, 1 of 1 reviewed passed; B 1 of 2 visited,
# 0 of 1 satisfied, 1 of 1 passed.
test_expect_success 'by hand: the recipe'"'"'s figures of November' '
	recipe 2026-11 "$A" "$B" >"$T/got" &&
	head -1 "$T/got" | grep "\"total\": 2.0" | grep "\"handled\": 2.0" |
	    grep "\"timely_rate\": 0.5" | grep "\"requests\": 1.0" |
	    grep "\"valid_rate\": 1.0" | grep -q "\"complaint_rate\": 0.01" &&
	tail -1 "$T/got" | grep "\"timely_rate\": 0.5" | grep -q "\"valid_rate\": 0.0" &&
	head -1 "$T/got" | grep "\"callback_rate\": 1.0" | grep "\"satisfaction_rate\": 0.5" |
	    grep -q "\"correct_rate\": 1.0" &&
	tail -1 "$T/got" | grep "\"callback_rate\": 0.5" | grep "\"satisfaction_rate\": 0.0" |
	    grep -q "\"correct_rate\": 1.0"
'

# C's requests: each type 1 registered and answered; all in time but the
# repair, told the day after it was done.
test_expect_success 'by hand: each request type'"'"'s answered and in time' '
	recipe 2026-11 "$C" >"$T/got" &&
	python3 - "$T/got" <<-PY
	import json, sys
	d = json.loads(open(sys.argv[1]).read())
	t = {r["request_type"]: r for r in d["request_types"]}
	assert [t[k]["registered"] for k in ("inquiry", "suggestion", "help", "repair")] == ["1"] * 4, t
	assert [t[k]["on_time"] for k in ("inquiry", "suggestion", "help", "repair")] == ["1", "1", "1", "0"], t
	assert t["repair"]["answered"] == "1" and t["repair"]["timely_rate"] == "0.0000", t
	PY
'
test_expect_success 'archived: the volumes read as the live books were' '
	for d in "$A" "$B" "$C"; do cp -r "$d" "$d.live"; done &&
	PM_NOW="2027-01-15 09:00" pm-report -D "$A" archive >/dev/null &&
	PM_NOW="2027-01-15 09:00" pm-report -D "$B" archive >/dev/null &&
	ls "$A"/archive/complaints/2026/*.csv.gz >/dev/null &&
	for m in 2026-10 2026-11; do
		expected $m "$A.live" "$B.live" "$C.live" | sed "s/\.live//" >"$T/want" &&
		recipe $m "$A" "$B" "$C" >"$T/got" &&
		cmp "$T/want" "$T/got" || { diff "$T/want" "$T/got"; exit 1; }
	done
'
