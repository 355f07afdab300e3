#!/bin/sh
# pm-key as the desk clerk types it (SPEC 2.2, SPEC 4).
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
loan_days = 7
lock_timeout = 5
CONF
KEYS=$PM_DATA/keys.csv
U=0010102030
export PM_USER=孙丽 PM_NOW="2026-11-01 09:00"

# ---- the life of one unit's keys --------------------------------------------------
test_expect_success 'keys received into the cabinet, counts matching: ✓' '
	expect_status 0 pm-key receive --unit $U --count 5 --from 工程部李工 &&
	out_is K000001 && grep -q ",✓,孙丽," "$KEYS" &&
	test "$(stat -c %a "$KEYS")" = 640
'
test_expect_success 'a count that differs from the handover sheet needs a note' '
	sum=$(book_sum "$KEYS") &&
	expect_status 65 pm-key receive --unit 0010102031 --count 3 --expected 4 --from 李工 &&
	err_has "^pm-key: --note: 3 received but 4 on the handover sheet" &&
	test "$(book_sum "$KEYS")" = "$sum" &&
	expect_status 0 pm-key receive --unit 0010102031 --count 3 --expected 4 \
	    --from 李工 --source developer --note "少一把, 已告知开发商" && out_is K000002
'
test_expect_success 'lend to engineering against a work ID' '
	PM_NOW="2026-11-02 10:00" expect_status 0 pm-key lend --unit $U --count 3 \
	    --to 张工 --dept 工程部 --work-id G1001 && out_is K000003
'
test_expect_success 'a partial return leaves the rest out' '
	PM_NOW="2026-11-04 10:00" expect_status 0 pm-key return K000003 --count 1 \
	    --received-by 孙丽 && out_is K000004 &&
	PM_NOW="2026-11-04 10:00" expect_status 0 pm-key list --format csv &&
	out_has "^$U,3,2,0,0,5$"
'
test_expect_success 'after 7 days the loan is overdue' '
	PM_NOW="2026-11-09 09:59" expect_status 0 pm-key overdue --format csv &&
	out_is "loan,unit,count,borrower,dept,lent_at,days_out,work_id,via" &&
	PM_NOW="2026-11-09 10:01" expect_status 0 pm-key overdue --format csv &&
	out_has "^K000003,$U,2,张工,工程部,2026-11-02 10:00:00,7,G1001,$"
'
test_expect_success '--days changes the limit' '
	PM_NOW="2026-11-04 11:00" expect_status 0 pm-key overdue --days 1 --format csv &&
	out_has "^K000003," && expect_status 65 pm-key overdue --days -1
'
test_expect_success 'the reminder slip, one per department; a contractor'"'"'s goes to 工程部' '
	PM_NOW="2026-11-10 08:00" pm-key lend --unit 0010102031 --count 1 --to 王师傅 \
	    --dept 施工单位 --work-id G1001 --via 张工 --at "2026-11-01 08:00" >/dev/null &&
	PM_NOW="2026-11-10 09:00" expect_status 0 pm-key overdue --slip &&
	# 施工单位 is no department: 工程部, who lent for it, answers for both loans
	test "$(grep -c "借匙催还单" "$T/out")" = 1 &&
	out_has "借用部门: 工程部" && ! grep -q "借用部门: 施工单位" "$T/out" &&
	out_has "^K000003   $U  2     张工      G1001     2026-11-02 10:00:00  7$" &&
	out_has "(施工单位 借用, 经 张工 代借)" && out_has "借用部门签收: __________  签收日期" &&
	test "$(grep -c "$(printf "\f")" "$T/out")" = 0 &&
	out_has "^  keys [0-9]* [0-9a-f]\{16\}$"
'
test_expect_success 'the rest comes back' '
	PM_NOW="2026-11-10 10:00" expect_status 0 pm-key return K3 --count 2 --received-by 赵六 &&
	PM_NOW="2026-11-10 10:00" expect_status 0 pm-key overdue --format csv &&
	! out_has "^K000003,"
'
test_expect_success 'returning more than is out is refused' '
	expect_status 65 pm-key return K000003 --count 1 --received-by 赵六 &&
	err_has "loan K000003 has 0 key(s) out"
'
test_expect_success 'the owner takes keys against an identity document' '
	PM_NOW="2026-11-12 11:00" expect_status 0 pm-key issue --unit $U --count 2 \
	    --to 陈先生 --id-doc "身份证 110101********1234" && out_has "^K0000"
'
test_expect_success 'no proof of identity, no keys' '
	sum=$(book_sum "$KEYS") &&
	expect_status 65 pm-key issue --unit $U --count 1 --to 陈先生 &&
	err_has "--id-doc is required: no proof of identity" &&
	test "$(book_sum "$KEYS")" = "$sum"
'
test_expect_success 'a loss is recorded with what happened, and its remedy' '
	PM_NOW="2026-11-13 11:00" expect_status 0 pm-key lost --unit $U --count 1 \
	    --note "钥匙柜未锁, 丢失一把" &&
	expect_status 65 pm-key lost --unit $U --count 5 --note x &&
	err_has "the cabinet holds 2 key(s) of unit $U; cannot report lost 5" &&
	PM_NOW="2026-11-13 15:00" expect_status 0 pm-key remedy --unit $U --action rekey \
	    --note "已联系业主, 更换锁芯" &&
	expect_status 65 pm-key remedy --unit $U --action paint --note x &&
	err_has "--action: expected rekey or recut"
'
test_expect_success 'show: the unit'"'"'s whole history' '
	PM_NOW="2026-11-14 09:00" expect_status 0 pm-key show --unit $U &&
	out_has "receive  5 .*from 工程部李工 (contractor), sheet 5 ✓" &&
	out_has "lend     3 .*to 张工 (工程部, work ID G1001)" &&
	out_has "return   1 .*of K000003 from 张工, received by 孙丽" &&
	out_has "issue    2 .*to owner 陈先生" && out_has "remedy   0 .*rekey" &&
	out_has "^in the cabinet: 2, lent out: 0, issued to the owner: 2, lost: 1$"
'
test_expect_success 'show of a unit with no keys is exit 66' '
	expect_status 66 pm-key show --unit 0019999999
'
test_expect_success 'the inventory of the 25th against a count' '
	printf "unit,counted\n%s,2\n0010102031,1\n0020304050,1\n" $U >"$T/count.csv" &&
	PM_NOW="2026-11-25 09:00" expect_status 0 pm-key inventory --counted "$T/count.csv" --format csv &&
	out_has "^unit,on_hand,lent_out,issued,lost,received,counted,diff$" &&
	out_has "^$U,2,0,2,1,5,2,0$" &&
	out_has "^0010102031,2,1,0,0,3,1,-1$" &&
	out_has "^0020304050,0,0,0,0,0,1,1$" &&
	err_has "2 unit(s) where the count differs"
'
test_expect_success 'the count is an event of the key book: who, when, found and the book'"'"'s' '
	grep -c ",count,$U,2,2,.*,✓," "$KEYS" | grep -qx 1 &&
	grep -q ",count,0010102031,1,2,.*,$PM_USER,.*,2026-11-25 09:00:00," "$KEYS" &&
	grep -q ",count,0020304050,1,0," "$KEYS" &&
	test "$(grep -c "^[0-9]*,[^,]*,count," "$KEYS")" = 3 &&
	PM_NOW="2026-11-25 10:00" expect_status 0 pm-report keys --month 2026-11 --format csv &&
	out_has "^[^,]*,unit_keys,0010102031.counted,1$" &&
	out_has "^[^,]*,unit_keys,0010102031.diff,-1$" &&
	out_has "^[^,]*,unit_keys,$U.diff,0$" &&
	out_has "^[^,]*,summary,units_counted,3$" &&
	PM_NOW="2026-12-25 10:00" expect_status 0 pm-report keys --month 2026-12 --format csv &&
	out_has "^[^,]*,unit_keys,0010102031.counted,$" &&
	PM_NOW="2026-11-25 10:00" expect_status 0 pm-key show --unit 0010102031 &&
	out_has "count" && out_has "the book said 2" &&
	expect_status 0 pm-key verify
'
test_expect_success 'a bad count file is refused per line, nothing recorded' '
	sum=$(book_sum "$KEYS") &&
	printf "%s,many\n0010,1\n" $U >"$T/bad.csv" &&
	expect_status 65 pm-key inventory --counted "$T/bad.csv" &&
	err_has "line 1: counted: expected a whole number" && err_has "line 2: unit:" &&
	printf "%s,1\n%s,1\n" $U $U >"$T/twice.csv" &&
	expect_status 65 pm-key inventory --counted "$T/twice.csv" &&
	err_has "is counted twice" &&
	test "$(book_sum "$KEYS")" = "$sum"
'
test_expect_success 'json numbers are numbers' '
	expect_status 0 pm-key list --format json &&
	out_has "{\"unit\":\"$U\",\"on_hand\":2,\"lent_out\":0,"
'

# ---- bad input ----------------------------------------------------------------------
test_expect_success 'counts that are zero, negative, non-numeric or absurd' '
	sum=$(book_sum "$KEYS") &&
	for n in 0 -1 two 100 3.5 ""; do
		expect_status 65 pm-key receive --unit $U --count "$n" --from 李工 || exit 1
		grep -q -- "--count" "$T/err" || exit 1
	done &&
	test "$(book_sum "$KEYS")" = "$sum"
'
test_expect_success 'a unit code that is not 10 digits' '
	expect_status 65 pm-key receive --unit 12345 --count 1 --from 李工 &&
	err_has "--unit: expected a unit code of 10 digits" &&
	expect_status 65 pm-key receive --unit 001010203A --count 1 --from 李工
'
test_expect_success 'an unknown loan is exit 66; a malformed one exit 65' '
	expect_status 66 pm-key return K000777 --count 1 --received-by 孙丽 &&
	err_has "no loan K000777" &&
	expect_status 65 pm-key return banana --count 1 --received-by 孙丽
'
test_expect_success 'a department outside the configured list' '
	expect_status 65 pm-key lend --unit $U --count 1 --to 某人 --dept 保安公司 --work-id 1 &&
	err_has "--dept: 保安公司 does not borrow keys"
'
test_expect_success 'a department removed from pm.conf does not borrow' '
	mkdir -p "$T/small" && echo "departments = 客服部,工程部" >"$T/small/pm.conf" &&
	PM_DATA=$T/small pm-key receive --unit $U --count 2 --from x >/dev/null &&
	PM_DATA=$T/small expect_status 65 pm-key lend --unit $U --count 1 --to 小刘 \
	    --dept 绿化部 --work-id L1 &&
	PM_DATA=$T/small expect_status 0 pm-key lend --unit $U --count 1 --to 张工 \
	    --dept 工程部 --work-id G1
'
test_expect_success 'an owner not yet moved in borrows only through sales' '
	expect_status 65 pm-key lend --unit $U --count 1 --to 陈先生 --dept 业主 --work-id 0 &&
	err_has "--via: 业主 borrow only through a member of 售楼部" &&
	expect_status 0 pm-key lend --unit $U --count 1 --to 陈先生 --dept 业主 \
	    --work-id S007 --via 售楼部小王
'
test_expect_success 'a loan needs a work ID' '
	expect_status 65 pm-key lend --unit $U --count 1 --to 张工 --dept 工程部 &&
	err_has "--work-id is required"
'
test_expect_success 'more keys than the cabinet holds' '
	expect_status 65 pm-key lend --unit $U --count 5 --to 张工 --dept 工程部 --work-id G1 &&
	err_has "the cabinet holds 1 key(s) of unit $U; cannot lend 5" &&
	expect_status 65 pm-key issue --unit 0030000001 --count 1 --to 某 --id-doc x &&
	err_has "holds 0 key(s)"
'
test_expect_success 'an event dated in the future' '
	expect_status 65 pm-key receive --unit $U --count 1 --from 李工 --at "2026-12-01 09:00" &&
	err_has "--at: .* is in the future"
'
test_expect_success 'options that do not belong, and missing ones' '
	expect_status 64 pm-key receive --unit $U --count 1 &&
	err_has "--from is required" &&
	expect_status 64 pm-key issue --unit $U --count 1 --to x --dept 工程部 &&
	expect_status 64 pm-key return --count 1 --received-by x
'

# ---- concurrent clerks ------------------------------------------------------------------
test_expect_success 'ten clerks lending the last five keys at once get exactly five loans' '
	mkdir -p "$T/race" && printf "lock_timeout = 30\n" >"$T/race/pm.conf" &&
	PM_DATA=$T/race pm-key receive --unit $U --count 5 --from 李工 >/dev/null &&
	for k in 1 2 3 4 5 6 7 8 9 10; do
		PM_DATA=$T/race pm-key --as 文员$k lend --unit $U --count 1 --to 工$k \
		    --dept 工程部 --work-id G$k >"$T/race.$k" 2>"$T/race.err.$k" &
	done; wait
	test "$(cat "$T"/race.[0-9]* | grep -c "^K")" = 5 &&
	test "$(grep -l "cabinet holds 0" "$T"/race.err.* | wc -l)" = 5 &&
	PM_DATA=$T/race expect_status 0 pm-key list --format csv &&
	out_has "^$U,0,5,0,0,5$" && PM_DATA=$T/race expect_status 0 pm-key verify
'

# ---- import -------------------------------------------------------------------------------
printf '\357\273\277event,unit,count,expected,from,note,at\r\nreceive,0040000001,4,4,李工,,2026-10-20 09:00\r\nreceive,0040000002,2,3,李工,"少一把, 已登记",2026-10-20 09:05\r\n' >"$T/receipts.csv"
test_expect_success 'import a backlog of receipts (BOM, CRLF, quoted comma)' '
	expect_status 0 pm-key import "$T/receipts.csv" &&
	out_is "2 rows imported, 0 already present" &&
	expect_status 0 pm-key show --unit 0040000002 --format csv &&
	out_has "sheet 3 ≠; 少一把, 已登记"
'
test_expect_success 'the same file twice adds nothing, whoever imports it' '
	sum=$(book_sum "$KEYS") &&
	PM_USER=赵六 expect_status 0 pm-key import "$T/receipts.csv" &&
	out_is "0 rows imported, 2 already present" && test "$(book_sum "$KEYS")" = "$sum"
'
test_expect_success 'an import obeys the cabinet rule row by row, all or nothing' '
	printf "event,unit,count,to,dept,work_id\nlend,0040000001,3,张工,工程部,G1\nlend,0040000001,2,李工,工程部,G2\n" >"$T/loans.csv" &&
	sum=$(book_sum "$KEYS") &&
	expect_status 65 pm-key import "$T/loans.csv" &&
	err_has "line 3: --count: the cabinet holds 1 key(s)" && err_has "nothing was imported" &&
	test "$(book_sum "$KEYS")" = "$sum"
'
test_expect_success 'import errors name the line and the field' '
	printf "event,unit,count,from\nreceive,0040000009,x,李工\nborrow,0040000009,1,李工\n" >"$T/bad.csv" &&
	expect_status 65 pm-key import "$T/bad.csv" &&
	err_has "line 2: --count: expected a whole number" && err_has "line 3: event: expected receive"
'
test_expect_success 'GBK import' '
	printf "event,unit,count,from\nreceive,0040000003,2,工程部王工\n" | iconv -f UTF-8 -t GBK >"$T/gbk.csv" &&
	expect_status 0 pm-key import --dry-run "$T/gbk.csv" && out_is "1 rows would be imported, 0 already present" &&
	expect_status 0 pm-key import "$T/gbk.csv" && expect_status 0 pm-key show --unit 0040000003 &&
	out_has "工程部王工"
'
test_expect_success 'verify: the key book is intact; a change is found' '
	expect_status 0 pm-key verify && out_has "keys.csv: [0-9]* rows, chain intact" &&
	sed -i "2s/工程部李工/工程部李二/" "$KEYS" &&
	expect_status 65 pm-key verify && err_has "line 2: row 1 does not match"
'
