#!/bin/sh
# The promises of SPEC 6, each by a test that fails if the promise breaks:
# concurrent clerks, kill -9 at any instant, tampering, a full disk.
. "$(dirname "$0")/lib.sh"

LOG=$PM_DATA/duty_log.csv
rows() { grep -c '^[0-9]' "$1" 2>/dev/null || echo 0; }
# a number in [0, $1) from awk's generator, seeded per call
rnd() { awk -v n="$1" -v s="$2" 'BEGIN { srand(s); printf "%.4f\n", rand() * n }'; }

# ---- concurrent clerks ----------------------------------------------------------
test_expect_success '8 clerks x 200 entries at once: 1,600 rows, none lost or doubled' '
	for k in 1 2 3 4 5 6 7 8; do
		( i=1; while [ $i -le 200 ]; do
			pm-duty --as 文员$k log --text "w$k-$i" || echo FAIL
			i=$((i + 1)); done ) >"$T/ids.$k" 2>"$T/errs.$k" &
	done
	wait
	! grep -q FAIL "$T"/ids.* &&
	test "$(cat "$T"/ids.* | wc -l)" = 1600 &&
	test -z "$(cat "$T"/ids.* | sort | uniq -d)" &&
	test "$(rows "$LOG")" = 1600 &&
	test "$(cut -d, -f1 "$LOG" | sed 1d | sort -n | uniq | wc -l)" = 1600 &&
	test "$(cut -d, -f1 "$LOG" | sed -n "\$p")" = 1600
'
test_expect_success 'every printed ID is in the book with its own text' '
	for k in 1 2 3 4 5 6 7 8; do
		test "$(grep -c ",other,w$k-[0-9]*," "$LOG")" = 200 || exit 1
	done &&
	pm-duty show --format csv >"$T/all.csv" &&
	for id in $(cat "$T"/ids.*); do echo "$id"; done | sort >"$T/printed" &&
	cut -d, -f1 "$T/all.csv" | sed 1d | sort >"$T/present" &&
	cmp -s "$T/printed" "$T/present"
'
test_expect_success 'no row was interleaved: the chain verifies' '
	expect_status 0 pm-duty verify && out_has "duty_log.csv: 1600 rows, chain intact"
'

test_expect_success '8 writers with 2 readers looping: every read whole, rows only grow' '
	before=$(rows "$LOG") && writers= &&
	for k in 1 2 3 4 5 6 7 8; do
		( i=1; while [ $i -le 50 ]; do
			pm-duty --as 读写$k log --text "r$k-$i" >/dev/null || echo FAIL
			i=$((i + 1)); done ) >"$T/rw.$k" 2>&1 &
		writers="$writers $!"
	done
	( last=0; while [ ! -e "$T/writers.done" ]; do
		pm-duty show --format csv >"$T/read.csv" 2>"$T/read.err" || { echo "show failed"; cat "$T/read.err"; }
		n=$(($(wc -l <"$T/read.csv") - 1))
		[ "$n" -ge "$last" ] || echo "rows went back: $last then $n"; last=$n
		pm-duty verify >"$T/ver.out" 2>&1 || { echo "verify failed"; cat "$T/ver.out"; }
		printf . >>"$T/reads"
	done ) >"$T/readers" 2>&1 &
	reader=$!
	( while [ ! -e "$T/writers.done" ]; do
		pm-report duty --format csv >/dev/null 2>"$T/rep.err" || { echo "report failed"; cat "$T/rep.err"; }
	done ) >"$T/reader2" 2>&1 &
	reader2=$!
	wait $writers; touch "$T/writers.done" && wait $reader $reader2 &&
	! grep -q FAIL "$T"/rw.* && test ! -s "$T/readers" && test ! -s "$T/reader2" &&
	test "$(wc -c <"$T/reads")" -ge 2 &&
	test "$(rows "$LOG")" = $((before + 400)) && expect_status 0 pm-duty verify
'

# ---- crashes at named points ----------------------------------------------------------
rm -rf "$PM_DATA" && mkdir -p "$PM_DATA"
pm-duty log --text "第一条" >/dev/null
pm-duty log --text "第二条" >/dev/null
test_expect_success 'killed half-way through a row: the torn row is never read' '
	PM_TEST_CRASH=mid-row pm-duty log --text "写到一半" >"$T/out" 2>/dev/null; test $? -ne 0 &&
	! grep -q "^L" "$T/out" && test "$(tail -c 1 "$LOG" | od -An -tx1 | tr -d " ")" != 0a &&
	expect_status 0 pm-duty show --format csv && test "$(wc -l <"$T/out")" = 3 &&
	! grep -q "写到一半" "$T/out"
'
test_expect_success 'verify is clean after the crash, and mentions the torn row' '
	expect_status 0 pm-duty verify && err_has "the last row is torn"
'
test_expect_success 'the next writer sets the torn row aside and takes its place' '
	expect_status 0 pm-duty log --text "第三条" && out_is L000003 &&
	err_has "set aside" && test -s "$PM_DATA/duty_log.torn" &&
	grep -q "^3,.*第三条" "$LOG" && expect_status 0 pm-duty verify
'
test_expect_success 'killed after the write, before fsync: whole row, chain intact' '
	PM_TEST_CRASH=before-fsync pm-duty log --text "未同步" >"$T/out" 2>/dev/null; test $? -ne 0 &&
	! grep -q "^L" "$T/out" && expect_status 0 pm-duty verify &&
	expect_status 0 pm-duty log --text "之后" && out_is L000005
'
test_expect_success 'an import killed before its rename leaves the old book' '
	printf "at,kind,text\n2026-01-01 10:00,other,甲\n2026-01-01 11:00,other,乙\n" >"$T/two.csv" &&
	sum=$(book_sum "$LOG") &&
	PM_TEST_CRASH=before-rename pm-duty import "$T/two.csv" >/dev/null 2>&1; test $? -ne 0 &&
	# its copy under a random name, none at BOOK.tmp
	test "$(temps "$LOG")" = 1 && test ! -e "$LOG.tmp" && first=$(ls -d "$LOG".tmp.*) &&
	echo "${first##*/}" | grep -q "^duty_log\.csv\.tmp\.[A-Za-z0-9]\{6\}\$" &&
	# the next writer sweeps it and leaves its own, by another name
	PM_TEST_CRASH=before-rename pm-duty import "$T/two.csv" >/dev/null 2>&1; test $? -ne 0 &&
	test "$(temps "$LOG")" = 1 && test ! -e "$first" &&
	test "$(book_sum "$LOG")" = "$sum" &&
	# verify sweeps them when no writer holds the book
	expect_status 0 pm-duty verify && test "$(temps "$LOG")" = 0 &&
	expect_status 0 pm-duty import "$T/two.csv" && out_is "2 rows imported, 0 already present"
'
test_expect_success 'an import copies the book whole, in the kernel or read and written' '
	cp "$LOG" "$T/before" && n=$(wc -c <"$LOG") &&
	printf "at,kind,text\n2026-01-02 10:00,other,丙\n2026-01-02 11:00,other,丁\n" >"$T/two2.csv" &&
	for how in kernel copy-by-hand; do
		cp "$T/before" "$LOG" &&
		PM_NOW="2026-01-03 09:00" PM_TEST_CRASH=$how pm-duty import "$T/two2.csv" >/dev/null &&
		cp "$LOG" "$T/after.$how" || return 1
	done &&
	cmp -s "$T/after.kernel" "$T/after.copy-by-hand" &&
	head -c "$n" "$T/after.kernel" | cmp -s - "$T/before" &&
	test "$(rows "$LOG")" = $(($(rows "$T/before") + 2)) && expect_status 0 pm-duty verify
'

if command -v strace >/dev/null 2>&1; then
	# 120,000 rows of about 330 bytes: a copy of some 40 MB, past
	# SYNC_AHEAD (16 MiB) twice over
	awk "BEGIN { print \"at,kind,text\"; for (i = 1; i <= 120000; i++)
	    printf \"2026-10-%02d %02d:%02d:%02d,other,长文本%06d%s\\n\", i % 28 + 1,
	    i % 24, i % 60, i % 59, i, \"$(printf "%0150d" 0)\" }" >"$T/long.csv"
	test_expect_success 'a long import is flushed to disk while it is written, not all at its commit' '
		mkdir -p "$T/long" &&
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 PM_DATA=$T/long \
		    strace -f -e trace=fdatasync,fsync,rename -o "$T/long.st" \
		    pm-duty import "$T/long.csv" >"$T/out" 2>"$T/err" &&
		out_is "120000 rows imported, 0 already present" &&
		size=$(stat -c %s "$T/long/duty_log.csv") && test "$size" -gt $((32 * 1048576)) &&
		# fdatasyncs of the copy before the rename that commits it
		ahead=$(awk "/fdatasync\\(/ && / = 0\$/ { n++ } /rename\\(/ { at = n }
		    END { print at + 0 }" "$T/long.st") &&
		test "$ahead" -ge 2 && test "$ahead" -le $((size / (16 * 1048576))) &&
		PM_DATA=$T/long expect_status 0 pm-duty verify &&
		test "$(rows "$T/long/duty_log.csv")" = 120000
	'
fi

# ---- kill -9 at random moments -----------------------------------------------------------
test_expect_success '100 single appends killed at random moments' '
	i=1; while [ $i -le 100 ]; do
		pm-duty log --text "随机$i" >"$T/k.$i" 2>/dev/null &
		pid=$!
		sleep "$(rnd 0.012 $i)"
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
		i=$((i + 1))
	done
	pm-duty log --text "收尾" >/dev/null 2>&1 &&
	expect_status 0 pm-duty verify &&
	pm-duty show --format csv >"$T/all.csv" &&
	for f in "$T"/k.*; do
		id=$(cat "$f"); [ -z "$id" ] && continue
		n=${f##*.}
		grep -q "^$id,.*,随机$n," "$T/all.csv" || { echo "printed $id lost"; exit 1; }
	done
'
{ printf 'at,kind,text\n'; i=1; while [ $i -le 5000 ]; do
	printf '2026-10-%02d 10:%02d:%02d,other,批量%d\n' $((i % 28 + 1)) $((i / 60 % 60)) $((i % 60)) $i; i=$((i + 1)); done; } >"$T/batch.csv"
test_expect_success '20 imports of 5,000 rows killed at random moments: all or nothing' '
	i=1; while [ $i -le 20 ]; do
		sed "s/批量/批${i}_/" "$T/batch.csv" >"$T/batch.$i.csv"
		before=$(rows "$LOG")
		pm-duty import "$T/batch.$i.csv" >"$T/imp.$i" 2>/dev/null &
		pid=$!
		sleep "$(rnd 0.25 $((i + 1000)))"
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
		after=$(rows "$LOG")
		if [ -s "$T/imp.$i" ]; then want=$((before + 5000)); else want=$after; fi
		[ "$after" = "$before" ] || [ "$after" = $((before + 5000)) ] ||
			{ echo "import $i: $before -> $after rows"; exit 1; }
		[ "$after" = "$want" ] || { echo "import $i said done but $after rows"; exit 1; }
		i=$((i + 1))
	done
	expect_status 0 pm-duty verify
'

# ---- tampering -----------------------------------------------------------------------------
rm -rf "$PM_DATA" && mkdir -p "$PM_DATA"
export PM_NOW="2026-11-21 20:00"
for t in 甲 乙 丙 丁 戊; do pm-duty log --text "记录$t" >/dev/null; done
PM_NOW="2026-11-22 08:30" pm-duty review --by 张主管 >/dev/null
PM_NOW="2026-11-22 09:00" pm-duty log --text "记录己" >/dev/null
cp -r "$PM_DATA" "$T/pristine"
restore() { rm -rf "$PM_DATA"; cp -r "$T/pristine" "$PM_DATA"; }

test_expect_success 'the untouched books verify' '
	expect_status 0 pm-duty verify
'
test_expect_success 'a changed byte is found, naming the row' '
	restore && sed -i "3s/记录乙/记录已/" "$LOG" &&
	expect_status 65 pm-duty verify && err_has "line 3: row 2 does not match the hash chain"
'
test_expect_success 'a deleted row is found' '
	restore && sed -i "4d" "$LOG" &&
	expect_status 65 pm-duty verify && err_has "line 4: row 4 follows row 2"
'
test_expect_success 'two swapped rows are found' '
	restore && awk "NR==3{keep=\$0; next} NR==4{print; print keep; next} {print}" \
	    "$T/pristine/duty_log.csv" >"$LOG" &&
	expect_status 65 pm-duty verify && err_has "line 3: row 3 follows row 1"
'
test_expect_success 'an inserted row is found' '
	restore && sed -i "3p" "$LOG" &&
	expect_status 65 pm-duty verify && err_has "line 4: row 2 is out of order or repeated"
'
test_expect_success 'rows cut off after the review are found' '
	restore && head -n 4 "$T/pristine/duty_log.csv" >"$LOG" &&
	expect_status 65 pm-duty verify && err_has "rows after row 3 are missing" &&
	err_has "review of 2026-11-21"
'
# rewrite row 2 and forge a fresh chain for every row after it
forge() {
	prev=$(head -n 1 "$T/pristine/duty_log.csv" | tr -d '\n' | sha256sum | cut -c1-64)
	{ head -n 1 "$T/pristine/duty_log.csv"
	  sed 1d "$T/pristine/duty_log.csv" | sed "s/记录乙/记录已/" | while IFS= read -r line; do
		content=${line%,*}
		prev=$(printf '%s\n%s' "$prev" "$content" | sha256sum | cut -c1-64)
		printf '%s,%s\n' "$content" "$prev"
	  done; } >"$LOG"
}
test_expect_success 'a forger who rebuilds the whole chain is caught by the signature' '
	restore && forge && grep -q 记录已 "$LOG" &&
	expect_status 65 pm-duty verify &&
	err_has "row 5 differs from the review of 2026-11-21 (2026-11-22 08:30:00 by 张主管)"
'
test_expect_success 'the forger'"'"'s chain is otherwise perfect (the test forges well)' '
	restore && forge && rm "$PM_DATA/anchors.csv" && expect_status 0 pm-duty verify
'
test_expect_success 'rows after the signature may be cut; nothing it saw can go' '
	restore && head -n 6 "$T/pristine/duty_log.csv" >"$LOG" && expect_status 0 pm-duty verify &&
	head -n 5 "$T/pristine/duty_log.csv" >"$LOG" && expect_status 65 pm-duty verify &&
	err_has "rows after row 4 are missing"
'

# ---- a full disk -----------------------------------------------------------------------------
restore
long=$(head -c 1500 /dev/zero | tr '\0' x)
test_expect_success 'a full disk fails the append with exit 74, book unchanged' '
	size=$(stat -c %s "$LOG") && sum=$(book_sum "$LOG") &&
	bash -c "ulimit -f $((size / 1024 + 1)); exec pm-duty log --text $long" >"$T/out" 2>"$T/err";
	test $? = 74 && err_has "nothing was recorded" && test ! -s "$T/out" &&
	test "$(book_sum "$LOG")" = "$sum" && expect_status 0 pm-duty verify
'
test_expect_success 'a full disk fails an import with exit 74, book unchanged' '
	size=$(stat -c %s "$LOG") && sum=$(book_sum "$LOG") &&
	bash -c "ulimit -f $((size / 1024 + 1)); exec pm-duty import \"$T/batch.csv\"" >"$T/out" 2>"$T/err";
	test $? = 74 && test "$(book_sum "$LOG")" = "$sum" && test "$(temps "$LOG")" = 0 &&
	expect_status 0 pm-duty verify
'
test_expect_success 'after the disk is freed, appending goes on' '
	expect_status 0 pm-duty log --text "空间已释放" && out_is L000007
'

# ---- one command, two books: a complaint import ---------------------------------------------
# Complaints and requests live in two books; an import of both changes both or neither.
G=$T/two-books
export PM_DATA=$G
mkdir -p "$G" && printf 'office = XDZA\nlock_timeout = 30\n' >"$G/pm.conf"
CB=$G/complaints.csv RB=$G/requests.csv
both_sums() { echo "$(book_sum "$CB") $(book_sum "$RB")"; }
mixed() {	# $1 complaints and $2 requests, texts tagged $3
	echo "kind,unit,name,text,registered_at"
	i=1; while [ $i -le "$1" ]; do
		echo "complaint,0010102030,业主$i,$3 投诉$i,2026-11-01 09:00"; i=$((i + 1)); done
	i=1; while [ $i -le "$2" ]; do
		echo "request,0010102030,业主$i,$3 请求$i,2026-11-01 10:00"; i=$((i + 1)); done
}
mixed 1 1 起始 >"$T/m0.csv" && mixed 3 2 甲 >"$T/m1.csv"
test_expect_success 'a mixed import is killed after staging, before its commit point: neither book changes' '
	expect_status 0 pm-complaint import "$T/m0.csv" && sums=$(both_sums) &&
	PM_TEST_CRASH=group-before-commit pm-complaint import "$T/m1.csv" >/dev/null 2>&1
	test $? = 137 && test "$(both_sums)" = "$sums" && test -e "$CB.group" &&
	expect_status 0 pm-complaint verify && test "$(both_sums)" = "$sums" &&
	test ! -e "$G/commit.journal" &&
	expect_status 0 pm-complaint import --dry-run "$T/m1.csv" && test "$(both_sums)" = "$sums" &&
	test ! -e "$CB.group" && test ! -e "$RB.group"
'
test_expect_success 'killed between its two renames: the next command finishes both' '
	csum=$(book_sum "$CB") rsum=$(book_sum "$RB") &&
	PM_TEST_CRASH=group-mid-rename pm-complaint import "$T/m1.csv" >/dev/null 2>&1
	test $? = 137 && test -e "$G/commit.journal" &&
	test "$(book_sum "$CB")" != "$csum" && test "$(book_sum "$RB")" = "$rsum" &&
	expect_status 0 pm-complaint verify && test ! -e "$G/commit.journal" &&
	test "$(rows "$CB")" = 4 && test "$(rows "$RB")" = 3 &&
	expect_status 0 pm-complaint import "$T/m1.csv" && out_is "0 rows imported, 5 already present"
'
test_expect_success 'a clerk'"'"'s next request finishes a cut-off import before its own row' '
	mixed 2 2 乙 >"$T/m2.csv" &&
	PM_TEST_CRASH=group-mid-rename pm-complaint import "$T/m2.csv" >/dev/null 2>&1
	test $? = 137 && test "$(rows "$RB")" = 3 &&
	expect_status 0 pm-complaint add --kind request --unit 0010102030 --name 林 --text 门禁卡 &&
	out_is XDZA-R-000006 && test "$(rows "$RB")" = 6 && test "$(rows "$CB")" = 6 &&
	test ! -e "$G/commit.journal" && expect_status 0 pm-complaint verify
'
mixed 300 300 丙 >"$T/big.csv"
test_expect_success 'mixed imports killed at 20 random moments: both books or neither, always' '
	i=1; while [ $i -le 20 ]; do
		c0=$(rows "$CB") r0=$(rows "$RB")
		pm-complaint import "$T/big.csv" >/dev/null 2>&1 &
		pid=$!
		sleep "$(rnd 0.06 $i)"
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
		pm-complaint verify >"$T/v.$i" 2>&1 || { cat "$T/v.$i"; exit 1; }
		c=$(rows "$CB") r=$(rows "$RB")
		if [ "$c" = "$c0" ]; then test "$r" = "$r0" || { echo "run $i: requests alone"; exit 1; }
		else test "$c" = $((c0 + 300)) && test "$r" = $((r0 + 300)) ||
			{ echo "run $i: $c0/$r0 -> $c/$r"; exit 1; }; fi
		if [ "$c" != "$c0" ]; then break; fi
		i=$((i + 1))
	done
'
test_expect_success 'a full disk while staging the second book: exit 74, neither book changed' '
	mixed 0 200 丁 >"$T/many.csv" && expect_status 0 pm-complaint import "$T/many.csv" &&
	test "$(stat -c %s "$RB")" -gt $(($(stat -c %s "$CB") + 8192)) &&
	sums=$(both_sums) && mixed 1 1 戊 >"$T/m3.csv" &&
	bash -c "ulimit -f $(($(stat -c %s "$RB") / 1024)); exec pm-complaint import \"$T/m3.csv\"" \
	    >"$T/out" 2>"$T/err"
	test $? = 74 && err_has "requests.csv.*nothing was recorded" && test ! -s "$T/out" &&
	test "$(both_sums)" = "$sums" && test ! -e "$CB.group" && test "$(temps "$CB")" = 0 &&
	test "$(temps "$RB")" = 0 && test ! -e "$G/commit.journal" && expect_status 0 pm-complaint verify
'

# ---- a disk that is really full: a small tmpfs (root) ----------------------------------
# Every write there needs a new page once the disk is full: a 1,500-character
# entry (4,500 bytes) cannot fit in what is left of the book's last page.
S=$T/small
if [ "$(id -u)" = 0 ] && mkdir -p "$S" && mount -t tmpfs -o size=1m tmpfs "$S" 2>/dev/null; then
	trap 'umount "$S" 2>/dev/null' EXIT
	D=$S/office && mkdir -p "$D" && printf 'office = XDZS\n' >"$D/pm.conf"
	big=$(awk 'BEGIN { for (i = 0; i < 1500; i++) printf "满" }')
	PM_DATA=$D PM_NOW="2026-09-01 09:00" pm-duty log --text 九月一日 >/dev/null
	printf "unit,name,text\n0010102030,甲,一件\n" | PM_DATA=$D PM_NOW="2026-09-01 10:00" \
	    pm-complaint import - >/dev/null
	printf "unit,name,text,kind\n0010102030,乙,二件,complaint\n0010102030,丙,一问,request\n" >"$T/m2.csv"
	sums() { cat "$D"/*.csv | cksum; }
	leftovers() { find "$D" -name "*.tmp*" -o -name "*.group" -o -name "*.part" -o -name "*.arch" \
	    -o -name "*.new" -o -name commit.journal | wc -l; }
	cat /dev/zero >"$S/filler" 2>/dev/null
	test_expect_success 'a full tmpfs: an entry, an import of two books, an archive each exit 74, nothing changed' '
		test "$(df -k "$S" | awk "NR == 2 { print \$4 }")" = 0 && s0=$(sums) &&
		PM_DATA=$D PM_NOW="2026-12-02 09:00" expect_status 74 pm-duty log --text "$big" &&
		err_has "nothing was recorded" && test ! -s "$T/out" && test "$(sums)" = "$s0" &&
		PM_DATA=$D PM_NOW="2026-12-02 09:00" expect_status 74 pm-complaint import "$T/m2.csv" &&
		test ! -s "$T/out" && test "$(sums)" = "$s0" && test "$(leftovers)" = 0 &&
		PM_DATA=$D PM_NOW="2026-12-02 09:00" expect_status 74 pm-report archive &&
		err_has "nothing of this book was archived" && test "$(sums)" = "$s0" &&
		test "$(leftovers)" = 0 && test ! -e "$D/archive/duty_log/2026/duty_log-2026-09.csv.gz"
	'
	test_expect_success 'the disk freed: the same commands go through and every book verifies' '
		rm "$S/filler" &&
		PM_DATA=$D PM_NOW="2026-12-02 09:00" expect_status 0 pm-duty log --text "$big" &&
		PM_DATA=$D PM_NOW="2026-12-02 09:00" expect_status 0 pm-complaint import "$T/m2.csv" &&
		PM_DATA=$D PM_NOW="2026-12-02 09:00" expect_status 0 pm-report archive &&
		test -f "$D/archive/duty_log/2026/duty_log-2026-09.csv.gz" &&
		PM_DATA=$D PM_NOW="2026-12-02 09:00" expect_status 0 pm-report verify
	'
	umount "$S" && trap - EXIT
else
	echo "# skipped: the full-tmpfs tests need root and mount(8) (ulimit -f stands in above)"
fi
