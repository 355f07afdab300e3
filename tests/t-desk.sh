#!/bin/sh
# pm-desk as the front hall uses it (SPEC 2.7): visitors, mail and parcels,
# important calls, release slips; every refusal with its exit status and
# nothing written; two clerks at once; archive, verify, import; the daily
# report's lines and the alerts.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
manager = 刘经理
supervisors = 张主管
parcel_days = 3
lock_timeout = 30
CONF
U=0010102030
export PM_USER=孙丽
at() { PM_NOW="$1"; export PM_NOW; }
W=$TOP/tests/width
at "2026-11-30 09:00"
pm-owner add --unit $U --name 陈大文 >/dev/null

# ---- visitors -----------------------------------------------------------------
test_expect_success 'a visitor comes in: the ID is printed, the document masked in the list' '
	at "2026-12-01 09:00" &&
	expect_status 0 pm-desk visitor in --name 李四 --org 顺丰 --visiting 王经理 \
	    --id-doc 110105194912310029 && out_is V000001 &&
	expect_status 0 pm-desk visitor list --format csv &&
	test "$(head -1 "$T/out")" = "id,at,status,unit,name,org,visiting,id_doc,out_at" &&
	out_has "^V000001,2026-12-01 09:00:00,inside,,李四,顺丰,王经理,110105\\*\\*\\*\\*\\*\\*\\*\\*0029,$" &&
	! grep -q 110105194912310029 "$T/out"
'
test_expect_success 'who is still inside; the visitor leaves, once' '
	at "2026-12-01 09:30" &&
	expect_status 0 pm-desk visitor in --name 张三 --unit $U --visiting 陈大文 && out_is V000002 &&
	expect_status 0 pm-desk visitor list --inside --format csv &&
	test "$(sed 1d "$T/out" | wc -l)" = 2 &&
	at "2026-12-01 10:00" && expect_status 0 pm-desk visitor out V000001 && out_is V000001 &&
	expect_status 0 pm-desk visitor list --inside --format csv &&
	test "$(sed 1d "$T/out" | cut -d, -f1)" = V000002 &&
	sum=$(book_sum "$PM_DATA/desk_visitors.csv") &&
	expect_status 65 pm-desk visitor out V000001 &&
	err_has "^pm-desk: V000001: a visitor leaves once, after coming in (it is left now)$" &&
	expect_status 66 pm-desk visitor out V000099 && err_has "no visitor with this ID" &&
	expect_status 66 pm-desk visitor out P000001 && err_has "not a visitor ID" &&
	test "$(book_sum "$PM_DATA/desk_visitors.csv")" = "$sum"
'
test_expect_success 'visitor: missing name, a unit not in the archive, nothing written' '
	sum=$(book_sum "$PM_DATA/desk_visitors.csv") &&
	expect_status 64 pm-desk visitor in --visiting 王经理 && err_has "^pm-desk: --name is required" &&
	expect_status 65 pm-desk visitor in --name 李 --visiting 王 --unit 0099999999 &&
	err_has "unit 0099999999 is not in the owner archive" &&
	expect_status 64 pm-desk visitor wander && err_has "unknown step \"wander\"" &&
	test "$(book_sum "$PM_DATA/desk_visitors.csv")" = "$sum"
'

# ---- mail and parcels -------------------------------------------------------------
test_expect_success 'a parcel received, its addressee told, collected by another with a document' '
	at "2026-12-01 11:00" &&
	expect_status 0 pm-desk parcel in --to 陈大文 --unit $U --carrier 顺丰 --tracking SF1 &&
	out_is P000001 &&
	expect_status 0 pm-desk parcel notify P000001 --how phone &&
	sum=$(book_sum "$PM_DATA/desk_parcels.csv") &&
	expect_status 65 pm-desk parcel out P000001 --by 林小红 &&
	err_has "^pm-desk: --by: 林小红 is not the addressee (陈大文): a collector shows a document (--id-doc)$" &&
	expect_status 65 pm-desk parcel notify P000001 --how fax && err_has "^pm-desk: --how:" &&
	test "$(book_sum "$PM_DATA/desk_parcels.csv")" = "$sum" &&
	expect_status 0 pm-desk parcel out P000001 --by 林小红 --id-doc 身份证 &&
	expect_status 65 pm-desk parcel out P000001 --by 陈大文 && err_has "an item is collected once" &&
	expect_status 0 pm-desk show P000001 --format csv && out_has "^P000001,.*,collected,$U,陈大文,"
'
test_expect_success 'an item waiting longer than parcel_days is marked for a second notice' '
	at "2026-12-01 12:00" && pm-desk parcel in --to 林小红 >/dev/null &&
	at "2026-12-04 12:00" && expect_status 0 pm-desk parcel list --waiting --format csv &&
	out_has "^P000004,.*,waiting,,林小红,,,,,," &&
	at "2026-12-04 12:01" && expect_status 0 pm-desk parcel list --waiting --format csv &&
	out_has "^P000004,.*,waiting,,林小红,,,,yes,," &&
	expect_status 0 pm-desk parcel list --days 3 --format csv && test "$(sed 1d "$T/out" | wc -l)" = 1 &&
	expect_status 0 pm-desk parcel list --days 4 --format csv && test "$(sed 1d "$T/out" | wc -l)" = 0
'

# ---- important calls -------------------------------------------------------------
test_expect_success 'an important call passed on, signed for, followed up' '
	at "2026-12-02 09:00" &&
	expect_status 0 pm-desk call --from 业主陈 --number 13812345678 --text "明天停水" --to 工程部李工 &&
	out_is T000001 &&
	expect_status 0 pm-desk call confirm T000001 --by 工程部李工 &&
	expect_status 65 pm-desk call confirm T000001 --by 工程部李工 && err_has "signs for a call once" &&
	expect_status 0 pm-desk call list --open --format csv && out_has "^T000001,.*,confirmed," &&
	expect_status 0 pm-desk call done T000001 --text 已通知全楼 &&
	expect_status 0 pm-desk call list --open --format csv && test "$(wc -l <"$T/out")" = 1 &&
	expect_status 0 pm-desk call list --week 2026-12-03 --format csv && out_has "^T000001,.*,done,"
'
test_expect_success 'call: a bad number and a missing text are refused, nothing written' '
	sum=$(book_sum "$PM_DATA/desk_calls.csv") &&
	expect_status 65 pm-desk call --from 甲 --number 12345 --text 乙 && err_has "^pm-desk: --number:" &&
	expect_status 64 pm-desk call --from 甲 && err_has "^pm-desk: --text is required" &&
	test "$(book_sum "$PM_DATA/desk_calls.csv")" = "$sum"
'

# ---- release slips ---------------------------------------------------------------
test_expect_success 'a release needs the owner, or a tenant the written authorisation' '
	at "2026-12-02 14:00" &&
	expect_status 65 pm-desk release --unit $U --items 沙发一套 --carrier 搬家王 --confirmed-by 租户刘 &&
	err_has "^pm-desk: --confirmed-by: 租户刘 is not the owner of $U (陈大文); a tenant needs --authorisation" &&
	test ! -e "$PM_DATA/desk_releases.csv" &&
	expect_status 0 pm-desk release --unit $U --items 沙发一套 --carrier 搬家王 \
	    --confirmed-by 租户刘 --authorisation "业主陈大文书面授权 2026-12-01" && out_is F000001 &&
	expect_status 0 pm-desk release --unit $U --items 冰箱 --carrier 搬家王 --confirmed-by 陈大文 &&
	out_is F000002 &&
	expect_status 65 pm-desk release --unit $U --items 全部家具 --carrier 搬家王 \
	    --confirmed-by 陈大文 --move-out --approved-by 王五 && err_has "王五 is not the manager" &&
	expect_status 0 pm-desk release --unit $U --items 全部家具 --carrier 搬家王 \
	    --confirmed-by 陈大文 --move-out && out_is F000003
'
test_expect_success 'the guard checks the goods out, once; the 放行条 fits 80 columns' '
	at "2026-12-02 15:00" &&
	expect_status 0 pm-desk release out F000001 --guard 保安赵 &&
	expect_status 65 pm-desk release out F000001 --guard 保安赵 && err_has "the goods leave once" &&
	long=$(i=0; while [ $i -lt 60 ]; do printf "红木大衣柜"; i=$((i + 1)); done) &&
	pm-desk release --unit $U --items "$long" --carrier 搬家王 --confirmed-by 陈大文 >/dev/null &&
	expect_status 0 pm-desk form F000005 && out_has "放行条" && out_has "^业主确认    陈大文$" &&
	test "$($W <"$T/out")" -le 80 &&
	sed -n "/^物品/,/^搬运人/p" "$T/out" | sed "\$d; s/^物品//; s/^ *//" | tr -d "\n" >"$T/items" &&
	test "$(cat "$T/items")" = "$long" &&
	expect_status 0 pm-desk form F000001 && out_has "^保安        保安赵$" &&
	expect_status 65 pm-desk form P000001 && err_has "only a release (F...) has a printed slip"
'

# ---- two clerks at once ------------------------------------------------------------
test_expect_success 'two clerks registering 40 parcels each at once: 80 unique IDs, none lost' '
	at "2026-12-03 09:00" &&
	for k in 1 2; do
		( i=1; while [ $i -le 40 ]; do
			pm-desk --as 文员$k parcel in --to 业主$k-$i || echo FAIL
			i=$((i + 1)); done ) >"$T/ids.$k" 2>"$T/errs.$k" &
	done
	wait
	! grep -q FAIL "$T"/ids.* && test "$(cat "$T"/ids.* | sort -u | wc -l)" = 80 &&
	for k in 1 2; do i=1; while [ $i -le 40 ]; do
		grep -q ",业主$k-$i," "$PM_DATA/desk_parcels.csv" || exit 1; i=$((i + 1)); done; done &&
	expect_status 0 pm-desk verify && out_has "desk_parcels.csv: .* rows, chain intact"
'

# ---- the daily report and the alerts ------------------------------------------------
test_expect_success 'the duty report lists parcels waiting, calls unsigned, visitors still inside' '
	at "2026-12-04 09:00" &&
	pm-desk call --from 业主林 --text 电梯异响 --to 工程部 >/dev/null &&
	at "2026-12-05 08:00" &&
	expect_status 0 pm-report duty --date 2026-12-04 --format csv &&
	out_has "^[^,]*,summary,parcels_waiting,81$" && out_has "^[^,]*,summary,calls_unconfirmed,1$" &&
	out_has "^[^,]*,summary,visitors_inside,1$" &&
	expect_status 0 pm-report duty --date 2026-12-04 && out_has "^前台未结事项$" &&
	out_has "^  V000002 .* 在场 "
'
test_expect_success 'an urgent item not told within the hour, a call not signed by day end: alerted' '
	at "2026-12-05 09:00" && pm-desk parcel in --to 陈大文 --urgent >/dev/null &&
	at "2026-12-05 10:00" && expect_status 0 pm-report alert &&
	! grep -q "急件通知" "$T/out" && out_has "签收确认" &&
	at "2026-12-05 10:01" && expect_status 0 pm-report alert && out_has "急件通知" &&
	at "2026-12-05 10:11" && expect_status 0 pm-report alert && test ! -s "$T/out"
'
test_expect_success 'the weekly review binds the week'"'"'s calls' '
	at "2026-12-08 08:00" && expect_status 0 pm-report weekly --week 2026-12-01 --format csv &&
	out_has "^[^,]*,summary,calls,2$" && out_has "^[^,]*,call_list,T000001.status,done$"
'

# ---- import, archive, verify ------------------------------------------------------------
test_expect_success 'import: a listing into a new office, twice adds nothing, a bad row writes nothing' '
	at "2026-12-08 09:00" && pm-desk visitor list --format csv >"$T/visitors.csv" &&
	mkdir -p "$T/b" && cp "$PM_DATA/pm.conf" "$T/b/" &&
	PM_DATA=$T/b expect_status 0 pm-desk import "$T/visitors.csv" --register visitor &&
	out_has "^2 rows imported" &&
	PM_DATA=$T/b expect_status 0 pm-desk import "$T/visitors.csv" --register visitor &&
	out_has "^0 rows imported, 2 already present" &&
	printf "register,at,to_name\nparcel,2026-12-01 09:00,陈大文\nparcel,2026-13-01 09:00,林\n" >"$T/bad.csv" &&
	sum=$(book_sum "$T/b/desk_parcels.csv") &&
	PM_DATA=$T/b expect_status 65 pm-desk import "$T/bad.csv" && err_has "line 3: at:" &&
	test "$(book_sum "$T/b/desk_parcels.csv")" = "$sum" &&
	PM_DATA=$T/b expect_status 64 pm-desk import "$T/bad.csv" --register lobby
'
test_expect_success 'two thousand parcels: the first, the middle and the last found and collected' '
	at "2026-12-08 09:00" && mkdir -p "$T/many" && cp "$PM_DATA/pm.conf" "$T/many/" &&
	awk "BEGIN { print \"register,at,to\"; for (i = 1; i <= 2000; i++)
	    printf \"parcel,2026-12-0%d 08:%02d,收件人%d\\n\", 1 + i % 7, i % 60, i }" >"$T/parcels.csv" &&
	PM_DATA=$T/many expect_status 0 pm-desk import "$T/parcels.csv" --register parcel &&
	for n in 1 1000 1999 2000; do
		id=$(printf "P%06d" $n) &&
		PM_DATA=$T/many expect_status 0 pm-desk parcel out $id --by 收件人$n || exit 1
	done &&
	PM_DATA=$T/many expect_status 65 pm-desk parcel out P001000 --by 收件人1000 &&
	err_has "an item is collected once" &&
	PM_DATA=$T/many expect_status 66 pm-desk parcel out P002001 --by 收件人1 &&
	PM_DATA=$T/many expect_status 0 pm-desk parcel list --waiting --format csv &&
	test "$(sed 1d "$T/out" | wc -l)" = 1996 && out_has "^P000002," && out_has "^P001998," &&
	! out_has "^P000001," && ! out_has "^P001000," && ! out_has "^P002000,"
'
test_expect_success 'archive binds closed matters by month; open ones stay; verify clean' '
	at "2027-01-02 02:15" && expect_status 0 pm-report archive --format csv &&
	out_has "^desk_visitors,archive/desk_visitors/2026/desk_visitors-2026-12.csv.gz,2$" &&
	expect_status 0 pm-desk visitor list --format csv && out_has "^V000001,.*,left," &&
	out_has "^V000002,.*,inside," &&
	expect_status 0 pm-desk verify && expect_status 0 pm-report purge --expired &&
	test ! -s "$T/out" || test "$(sed 1d "$T/out" | wc -l)" = 0
'
