#!/bin/sh
# pm-reno as the desk lives it (SPEC 2.8): one renovation from the
# application to the deposit refunded with the clock walked through every
# deadline; each forbidden work refused; every step out of order refused
# with its exit status and nothing written; the forms at 80 columns; the
# duty report, the month's summary, the alerts; two clerks at once;
# import, archive, verify.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
manager = 刘经理
supervisors = 张主管
responsible = 王工
lock_timeout = 30
CONF
U=0010102030
V=0010102031
export PM_USER=孙丽
at() { PM_NOW="$1"; export PM_NOW; }
W=$TOP/tests/width
B=$PM_DATA/renovations.csv
# the deadlines of `due` for one file, as "deadline status due_by" lines
due_of() {
	pm-reno due --format csv | awk -F, -v id="$1" '$1 == id { print $6, $3, $4 }'
}
at "2026-11-30 09:00"
pm-owner add --unit $U --name 陈大文 >/dev/null
pm-owner add --unit $V --name 林小红 >/dev/null

# ---- the application ------------------------------------------------------------
test_expect_success 'each forbidden work is refused at once, naming it; nothing written' '
	at "2026-12-01 09:00" &&
	for w in structure wet-room bearing-wall energy building facade heating gas; do
		expect_status 65 pm-reno apply --unit $U --applicant 陈大文 --contractor 美家装饰 \
		    --from 2026-12-03 --until 2026-12-31 --works 改造 --work floor --work $w &&
		err_has "^pm-reno: --work $w: .* is forbidden and not registered" || exit 1
	done &&
	expect_status 65 pm-reno apply --unit $U --applicant 陈大文 --contractor 美家装饰 \
	    --from 2026-12-03 --until 2026-12-31 --works 改造 --work gas &&
	err_has "未经燃气管理单位批准拆改燃气管道和设施" &&
	expect_status 65 pm-reno apply --unit $U --applicant 陈大文 --contractor 美家装饰 \
	    --from 2026-12-03 --until 2026-12-31 --works 改造 --work sauna &&
	err_has "^pm-reno: --work: expected one of floor, wall, ceiling" &&
	test ! -e "$B"
'
test_expect_success 'the applicant is the owner, or a tenant with the written consent' '
	expect_status 65 pm-reno apply --unit $U --applicant 租户刘 --contractor 美家装饰 \
	    --from 2026-12-03 --until 2026-12-31 --works 刷墙 &&
	err_has "^pm-reno: --applicant: 租户刘 is not the owner of $U (陈大文); a tenant applies with --tenant" &&
	expect_status 65 pm-reno apply --unit $U --applicant 租户刘 --tenant --contractor 美家装饰 \
	    --from 2026-12-03 --until 2026-12-31 --works 刷墙 &&
	err_has "^pm-reno: --tenant: a tenant.s application needs the owner.s written consent" &&
	expect_status 64 pm-reno apply --unit $U --applicant 陈大文 --owner-consent 同意 \
	    --contractor 美家装饰 --from 2026-12-03 --until 2026-12-31 --works 刷墙 &&
	err_has "owner-consent goes with --tenant" &&
	test ! -e "$B"
'
test_expect_success 'wrong fields: each refused with its status, nothing written' '
	expect_status 64 pm-reno apply --unit $U --applicant 陈大文 --from 2026-12-03 \
	    --until 2026-12-31 --works 刷墙 && err_has "^pm-reno: --contractor is required" &&
	expect_status 65 pm-reno apply --unit 0099999999 --applicant 陈大文 --contractor 甲 \
	    --from 2026-12-03 --until 2026-12-31 --works 刷墙 && err_has "not in the owner archive" &&
	expect_status 65 pm-reno apply --unit $U --applicant 陈大文 --contractor 甲 \
	    --from 2026-02-30 --until 2026-12-31 --works 刷墙 && err_has "^pm-reno: --from: expected a date" &&
	expect_status 65 pm-reno apply --unit $U --applicant 陈大文 --contractor 甲 \
	    --from 2026-12-31 --until 2026-12-03 --works 刷墙 && err_has "ends (2026-12-03) before it begins" &&
	expect_status 65 pm-reno apply --unit $U --applicant 陈大文 --contractor 甲 \
	    --from 2026-12-03 --until 2028-01-01 --works 刷墙 && err_has "more than a year" &&
	expect_status 64 pm-reno apply --unit $U --applicant 陈大文 --contractor 甲 \
	    --from 2026-12-03 --until 2026-12-31 --works 刷墙 --wat && err_has "unrecognized option\|unknown option\|--wat" &&
	test ! -e "$B"
'
test_expect_success 'an application registered: the ID printed, the review due in 3 days' '
	at "2026-12-01 09:00" &&
	expect_status 0 pm-reno apply --unit $U --applicant 陈大文 --contractor 美家装饰 \
	    --from 2026-12-03 --until 2026-12-31 --works "客厅地面、厨房" --work floor \
	    --work kitchen --work floor --documents "产权证、身份证、施工资质" && out_is R000001 &&
	expect_status 0 pm-reno list --format csv &&
	test "$(head -1 "$T/out")" = "id,at,unit,status,due_by,what,applicant,contractor,from,until,works" &&
	out_has "^R000001,2026-12-01 09:00:00,$U,applied,2026-12-04 09:00:00,.*,陈大文,美家装饰,2026-12-03,2026-12-31,客厅地面、厨房$" &&
	grep -q ",floor kitchen," "$B" &&
	test "$(due_of R000001)" = "review due 2026-12-04 09:00:00"
'
test_expect_success 'a tenant with the owner'"'"'s consent applies; a second unit' '
	at "2026-12-01 10:00" &&
	expect_status 0 pm-reno apply --unit $V --applicant 租户刘 --tenant \
	    --owner-consent "业主林小红书面同意书" --contractor 好家装修 --from 2026-12-02 \
	    --until 2026-12-20 --works 刷墙 --work paint && out_is R000002
'

# ---- the review ---------------------------------------------------------------------
test_expect_success 'steps out of order are refused, nothing written' '
	at "2026-12-01 11:00" && sum=$(book_sum "$B") &&
	expect_status 65 pm-reno permit R000001 --deposit 2000 &&
	err_has "^pm-reno: R000001: the permit follows the approval, once (it is applied now)$" &&
	expect_status 65 pm-reno refund R000001 --by 孙丽 &&
	err_has "the deposit is refunded once, after a passed acceptance (it is applied now)" &&
	expect_status 65 pm-reno pass R000001 --name 赵工 --id-doc 身份证 --until 2026-12-10 &&
	err_has "worker passes are issued while the works go on" &&
	expect_status 65 pm-reno patrol R000001 --by 张主管 --ok && err_has "after the permit" &&
	expect_status 65 pm-reno accept R000001 --by 王工 --result pass &&
	err_has "an acceptance follows the owner.s request" &&
	expect_status 65 pm-reno accept R000001 --requested &&
	expect_status 66 pm-reno permit R000099 --deposit 1 && err_has "R000099: no renovation with this ID" &&
	expect_status 66 pm-reno permit X1 --deposit 1 && err_has "not a renovation ID" &&
	test "$(book_sum "$B")" = "$sum"
'
test_expect_success 'the review: by the responsible person; a refusal needs its reason' '
	sum=$(book_sum "$B") &&
	expect_status 65 pm-reno review R000001 --by 张三 --decision approve &&
	err_has "^pm-reno: --by: 张三 is not the office.s responsible person" &&
	expect_status 64 pm-reno review R000002 --by 王工 --decision refuse &&
	err_has "^pm-reno: --reason is required" &&
	expect_status 65 pm-reno review R000001 --by 王工 --decision maybe && err_has "^pm-reno: --decision:" &&
	test "$(book_sum "$B")" = "$sum"
'
test_expect_success 'the review appears overdue the minute after its 3 days, and is alerted once' '
	at "2026-12-04 09:00" && test "$(due_of R000001)" = "review due 2026-12-04 09:00:00" &&
	at "2026-12-04 09:01" && test "$(due_of R000001)" = "review overdue 2026-12-04 09:00:00" &&
	expect_status 0 pm-report alert --format csv &&
	out_has "^renovations,R000001,review,2026-12-04 09:00:00,manager" &&
	! grep -q R000002 "$T/out" &&
	expect_status 0 pm-report alert && test ! -s "$T/out" &&
	at "2026-12-04 10:01" && expect_status 0 pm-report alert --format csv &&
	test "$(sed 1d "$T/out" | cut -d, -f1-4)" = "renovations,R000002,review,2026-12-04 10:00:00"
'
test_expect_success 'approved, it leaves due; refused with a reason, the file is finished' '
	at "2026-12-04 09:05" &&
	expect_status 0 pm-reno review R000001 --by 王工 --decision approve && out_is R000001 &&
	expect_status 0 pm-reno review R000002 --by 刘经理 --decision refuse --reason "未提供施工资质" &&
	test -z "$(due_of R000001)" && test -z "$(due_of R000002)" &&
	expect_status 65 pm-reno review R000001 --by 王工 --decision approve &&
	err_has "an application is reviewed once (it is approved now)" &&
	expect_status 0 pm-reno list --active --format csv && test "$(sed 1d "$T/out" | cut -d, -f1)" = R000001
'

# ---- permit and passes ----------------------------------------------------------------
test_expect_success 'the permit with the deposit; passes never past the permit'"'"'s period' '
	at "2026-12-04 09:10" &&
	expect_status 65 pm-reno permit R000001 --deposit 二千 && err_has "^pm-reno: --deposit: expected a non-negative amount" &&
	expect_status 64 pm-reno permit R000001 && err_has "^pm-reno: --deposit is required" &&
	expect_status 0 pm-reno permit R000001 --deposit 2000 --fee 300.50 && out_is R000001 &&
	expect_status 65 pm-reno permit R000001 --deposit 2000 && err_has "the permit follows the approval, once" &&
	sum=$(book_sum "$B") &&
	expect_status 65 pm-reno pass R000001 --name 赵工 --id-doc 110105194912310029 --until 2027-01-01 &&
	err_has "^pm-reno: --until: 2027-01-01 is past the permit.s period (2026-12-03 to 2026-12-31)$" &&
	expect_status 65 pm-reno pass R000001 --name 赵工 --id-doc 110105194912310029 --until 2026-12-01 &&
	err_has "2026-12-01 has passed" &&
	test "$(book_sum "$B")" = "$sum" &&
	expect_status 0 pm-reno pass R000001 --name 赵工 --id-doc 110105194912310029 --until 2026-12-31 &&
	expect_status 0 pm-reno pass R000001 --name 钱工 --id-doc 110105198001010011 --until 2026-12-15
'

# ---- patrols and rectification ----------------------------------------------------------
test_expect_success 'no patrol is due before the works begin; from their first day it is' '
	at "2026-12-04 09:09" && test -z "$(due_of R000001)" &&
	at "2026-12-04 09:10" && test "$(due_of R000001)" = "patrol due 2026-12-04 23:59:59" &&
	mkdir -p "$T/later" && cp "$PM_DATA/pm.conf" "$PM_DATA/owners.csv" "$T/later/" &&
	PM_DATA=$T/later pm-reno apply --unit $U --applicant 陈大文 --contractor 甲 	    --from 2026-12-10 --until 2026-12-20 --works 刷墙 >/dev/null &&
	PM_DATA=$T/later pm-reno review R000001 --by 王工 --decision approve >/dev/null &&
	PM_DATA=$T/later pm-reno permit R000001 --deposit 500 >/dev/null &&
	at "2026-12-09 23:59:59" && test -z "$(PM_DATA=$T/later due_of R000001)" &&
	at "2026-12-10 00:00" && test "$(PM_DATA=$T/later due_of R000001)" = "patrol due 2026-12-10 23:59:59"
'
test_expect_success 'a day without a patrol is overdue from its midnight until a patrol' '
	at "2026-12-04 10:00" && expect_status 0 pm-reno patrol R000001 --by 张主管 --ok &&
	test -z "$(due_of R000001)" &&
	at "2026-12-04 23:59" && test -z "$(due_of R000001)" &&
	at "2026-12-05 00:00" && test "$(due_of R000001)" = "patrol due 2026-12-05 23:59:59" &&
	at "2026-12-06 00:00" && test "$(due_of R000001)" = "patrol overdue 2026-12-05 23:59:59" &&
	expect_status 0 pm-report alert --format csv &&
	out_has "^renovations,R000001,patrol,2026-12-05 23:59:59,supervisor"
'
test_expect_success 'a violation: its notice due by the date, escalated to the manager after' '
	at "2026-12-06 10:00" &&
	expect_status 64 pm-reno patrol R000001 --by 张主管 && err_has "either --ok or --violation" &&
	expect_status 64 pm-reno patrol R000001 --by 张主管 --violation 开槽 && err_has "--rectify-by is required" &&
	expect_status 65 pm-reno patrol R000001 --by 张主管 --violation 开槽 --rectify-by 2026-12-05 &&
	err_has "must be after the patrol" &&
	expect_status 65 pm-reno rectified R000001 --by 张主管 && err_has "no rectification notice is open" &&
	expect_status 0 pm-reno patrol R000001 --by 张主管 --violation "在承重墙上开槽" --rectify-by 2026-12-08 &&
	test "$(due_of R000001)" = "rectify due 2026-12-08 23:59:59" &&
	at "2026-12-07 09:00" && pm-reno patrol R000001 --by 张主管 --ok >/dev/null &&
	at "2026-12-08 09:00" && pm-reno patrol R000001 --by 张主管 --ok >/dev/null &&
	at "2026-12-08 23:59:59" && test "$(due_of R000001)" = "rectify due 2026-12-08 23:59:59" &&
	at "2026-12-09 00:00" && due_of R000001 >"$T/due" &&
	grep -qx "rectify overdue 2026-12-08 23:59:59" "$T/due" &&
	expect_status 0 pm-report alert --format csv &&
	out_has "^renovations,R000001,rectify,2026-12-08 23:59:59,manager,刘经理" &&
	at "2026-12-09 09:00" && expect_status 0 pm-reno rectified R000001 --by 张主管 &&
	expect_status 0 pm-reno patrol R000001 --by 张主管 --ok && test -z "$(due_of R000001)"
'

# ---- acceptance and refund ------------------------------------------------------------
test_expect_success 'acceptance due 3 days after the owner asks; no patrol while it waits' '
	at "2026-12-09 10:00" && expect_status 0 pm-reno accept R000001 --requested &&
	expect_status 64 pm-reno accept R000001 --requested --by 王工 &&
	at "2026-12-12 10:00" && test "$(due_of R000001)" = "accept due 2026-12-12 10:00:00" &&
	at "2026-12-12 10:01" && test "$(due_of R000001)" = "accept overdue 2026-12-12 10:00:00"
'
test_expect_success 'a failed acceptance names its points; the works and patrols go on' '
	at "2026-12-12 11:00" &&
	expect_status 64 pm-reno accept R000001 --by 王工 --result fail && err_has "--points is required" &&
	expect_status 65 pm-reno accept R000001 --by 张主管 --result pass && err_has "responsible person" &&
	expect_status 0 pm-reno accept R000001 --by 王工 --result fail --points "卫生间闭水试验不合格" &&
	test -z "$(due_of R000001)" &&
	at "2026-12-13 00:00" && test "$(due_of R000001)" = "patrol due 2026-12-13 23:59:59" &&
	expect_status 65 pm-reno accept R000001 --by 王工 --result pass && err_has "(it is failed now)" &&
	at "2026-12-13 09:00" && pm-reno patrol R000001 --by 张主管 --ok >/dev/null &&
	expect_status 0 pm-reno accept R000001 --requested
'
test_expect_success 'passed: the deposit due within a day, late the minute after; then refunded' '
	at "2026-12-14 15:30" && expect_status 0 pm-reno accept R000001 --by 王工 --result pass &&
	expect_status 65 pm-reno pass R000001 --name 孙工 --id-doc 身份证 --until 2026-12-20 &&
	err_has "(it is passed now)" &&
	at "2026-12-15 15:30" && test "$(due_of R000001)" = "refund due 2026-12-15 15:30:00" &&
	at "2026-12-15 15:31" && test "$(due_of R000001)" = "refund overdue 2026-12-15 15:30:00" &&
	expect_status 0 pm-reno refund R000001 --by 孙丽 && test -z "$(due_of R000001)" &&
	expect_status 65 pm-reno refund R000001 --by 孙丽 && err_has "(it is refunded now)" &&
	expect_status 0 pm-reno list --format csv && out_has "^R000001,.*,refunded,," &&
	expect_status 0 pm-reno list --active --format csv && test "$(wc -l <"$T/out")" = 1
'
test_expect_success 'reno_refund_days gives the office'"'"'s own refund deadline' '
	at "2026-12-14 16:00" &&
	mkdir -p "$T/r3" && cp "$PM_DATA/pm.conf" "$PM_DATA/owners.csv" "$T/r3/" &&
	echo "reno_refund_days = 3" >>"$T/r3/pm.conf" &&
	PM_DATA=$T/r3 pm-reno apply --unit $U --applicant 陈大文 --contractor 甲 --from 2026-12-14 \
	    --until 2026-12-20 --works 刷墙 >/dev/null &&
	PM_DATA=$T/r3 pm-reno review R000001 --by 王工 --decision approve >/dev/null &&
	PM_DATA=$T/r3 pm-reno permit R000001 --deposit 500 >/dev/null &&
	PM_DATA=$T/r3 pm-reno accept R000001 --requested >/dev/null &&
	PM_DATA=$T/r3 pm-reno accept R000001 --by 王工 --result pass >/dev/null &&
	test "$(PM_DATA=$T/r3 due_of R000001)" = "refund due 2026-12-17 16:00:00" &&
	sed -i "s/^reno_refund_days = 3$/reno_refund_days = 93/" "$T/r3/pm.conf" &&
	PM_DATA=$T/r3 expect_status 78 pm-reno due && err_has "reno_refund_days"
'

# ---- the file, its history and its forms -------------------------------------------------
test_expect_success 'show: the whole history, a row a step' '
	at "2026-12-15 16:00" &&
	expect_status 0 pm-reno show R000001 --format csv &&
	test "$(head -1 "$T/out")" = "id,unit,at,event,by,detail" &&
	# apply, review, permit, 2 passes; patrols 12-04, 12-06 (the violation), 12-07,
	# 12-08, 12-09, 12-13; rectified; request, accept fail, request, accept pass; refund
	test "$(sed 1d "$T/out" | wc -l)" = 17 &&
	test "$(sed 1d "$T/out" | cut -d, -f4 | grep -cx patrol)" = 6 &&
	out_has "^R000001,$U,2026-12-12 11:00:00,accept,王工,result=fail text=卫生间闭水试验不合格$"
'
test_expect_success 'the forms: application, permit, passes, notice, rectification, all within 80 columns' '
	at "2026-12-15 16:00" &&
	expect_status 0 pm-reno form R000001 &&
	test "$($W <"$T/out")" -le 80 &&
	for f in 装修申请登记表 装修施工许可证 施工人员出入证 业主装修温馨提示 装修整改通知书; do
		grep -q "^[[:space:]]*$f$" "$T/out" || { echo "no $f"; exit 1; }
	done &&
	test "$(grep -c "^[[:space:]]*施工人员出入证$" "$T/out")" = 2 &&
	test "$(tr -cd "\f" <"$T/out" | wc -c)" = 5 &&
	out_has "^装修押金    2000.00 元$" && out_has "^装修管理费  300.50 元$" &&
	out_has "^证件        110105\*\*\*\*\*\*\*\*0029$" && ! grep -q 110105194912310029 "$T/out" &&
	out_has "^装修项目    客厅地面、厨房 (地面、厨房)$" &&
	expect_status 0 pm-reno form R000001 --pass 2 && out_has "^姓名        钱工$" &&
	out_has "^有效期至    2026-12-15$" && ! grep -q 赵工 "$T/out" &&
	expect_status 0 pm-reno form R000001 --notice && out_has "10栋20层" &&
	expect_status 0 pm-reno form R000001 --rectify 1 && out_has "^违规事项    在承重墙上开槽$" &&
	out_has "^限期整改至  2026-12-08 23:59:59$" &&
	expect_status 66 pm-reno form R000001 --pass 3 && err_has "no pass 3 (it has 2)" &&
	expect_status 65 pm-reno form R000002 --permit && err_has "no permit yet" &&
	expect_status 64 pm-reno form R000001 --permit --notice
'
test_expect_success 'a long text wraps inside 80 columns and is all there' '
	at "2026-12-15 09:00" &&
	long=$(i=0; while [ $i -lt 40 ]; do printf "客厅铺设实木地板"; i=$((i + 1)); done) &&
	pm-reno apply --unit $V --applicant 林小红 --contractor 好家装修 --from 2026-12-16 \
	    --until 2026-12-30 --works "$long" >"$T/id3" &&
	expect_status 0 pm-reno form "$(cat "$T/id3")" && test "$($W <"$T/out")" -le 80 &&
	sed -n "/^装修项目/,/^已验资料/p" "$T/out" | sed "\$d; s/^装修项目//; s/^ *//" | tr -d "\n" >"$T/works" &&
	test "$(cat "$T/works")" = "$long"
'

# ---- in Chinese (SPEC 6) -----------------------------------------------------------------
mkdir -p "$T/locale"
if localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" >/dev/null 2>&1; then
	test_expect_success 'zh_CN: due, list and show speak Chinese, statuses and steps too' '
		at "2026-12-06 10:00" &&
		z() { LOCPATH=$T/locale LC_ALL=zh_CN.UTF-8 TEXTDOMAINDIR=$TOP/po/locale "$@"; } &&
		z pm-reno show R000001 --wide >"$T/zh" &&
		grep -q "^编号 .*事项 .*详情$" "$T/zh" &&
		grep -q " 巡查 .*结果：违规，内容：在承重墙上开槽，限期整改至：2026-12-08 23:59:59$" "$T/zh" &&
		grep -q " 审核 .*审核意见：同意$" "$T/zh" &&
		z pm-reno list --wide >"$T/zh" && grep -q "R000002 .* 不予登记 " "$T/zh" &&
		z expect_status 65 pm-reno review R000002 --by 王工 --decision approve &&
		err_has "申请只审核一次（现在是不予登记）"
	'
else
	echo "ok - zh_CN reno # SKIP localedef cannot make zh_CN.UTF-8"
fi

# ---- the reports ---------------------------------------------------------------------
test_expect_success 'the duty report lists the day'"'"'s renovation deadlines' '
	at "2026-12-16 08:00" &&
	expect_status 0 pm-report duty --date 2026-12-05 --format csv &&
	out_has "^[^,]*,summary,renovations_due,1$" &&
	out_has "^[^,]*,renovations,R000001.deadline,patrol$" &&
	out_has "^[^,]*,renovations,R000001.due_by,2026-12-05 23:59:59$" &&
	expect_status 0 pm-report duty --date 2026-12-15 --format csv &&
	out_has "^[^,]*,summary,renovations_due,1$" && out_has "^[^,]*,renovations,$(cat "$T/id3").deadline,review$" &&
	expect_status 0 pm-report duty --date 2026-12-15 && out_has "^装修事项$"
'
test_expect_success 'the month'"'"'s summary beside the complaints, figures by hand' '
	at "2026-12-30 09:00" &&
	expect_status 0 pm-report complaints --month 2026-12 --format json &&
	# applications R1 R2 R3; approved R1, refused R2; one violation; acceptances
	# 12-12 fail and 12-14 pass; one refund, 1 day after the pass: late by a minute
	for kv in reno_applications:3 reno_approved:1 reno_refused:1 reno_violations:1 \
	    reno_acceptances:2 reno_passed:1 reno_refunds:1; do
		grep -q "\"${kv%%:*}\": *${kv#*:}[,}]" "$T/out" || { echo "$kv"; cat "$T/out"; exit 1; }
	done &&
	grep -q "\"reno_refund_rate\": *0\(\.0*\)\?[,}]" "$T/out" &&
	grep -q "\"reason\": *\"未提供施工资质\", *\"count\": *\"\?1" "$T/out"
'

# ---- two clerks at once ----------------------------------------------------------------
# clerk K N: N applications as clerk K, an ID a line (FAIL for a refusal)
clerk() {
	seq "$2" | while read -r i; do
		pm-reno --as "文员$1" apply --unit $V --applicant 林小红 --contractor "装$1-$i" \
		    --from 2026-12-20 --until 2026-12-30 --works 刷墙 || echo FAIL
	done
}
test_expect_success 'two clerks applying at once: 30 unique IDs, none lost, the chain whole' '
	at "2026-12-16 09:00" &&
	{ clerk 1 15 >"$T/ids.1" 2>&1 & clerk 2 15 >"$T/ids.2" 2>&1; wait; } &&
	! grep -q FAIL "$T/ids.1" "$T/ids.2" &&
	test "$(sort -u "$T/ids.1" "$T/ids.2" | grep -c "^R[0-9]\{6\}$")" = 30 &&
	for k in 1 2; do
		seq 15 | while read -r i; do grep -q ",装$k-$i," "$B" || echo "装$k-$i lost"; done
	done >"$T/lost" && test ! -s "$T/lost" &&
	expect_status 0 pm-reno verify && out_has "renovations.csv: .* rows, chain intact"
'

# ---- import, archive, verify -------------------------------------------------------------
test_expect_success 'import an office'"'"'s register: as far as each file went; twice adds nothing' '
	at "2026-12-16 10:00" &&
	mkdir -p "$T/imp" && cp "$PM_DATA/pm.conf" "$PM_DATA/owners.csv" "$T/imp/" &&
	cat >"$T/register.csv" <<-EOF &&
	at,unit,applicant,contractor,from,until,works,work,decision,reviewed_by,reviewed_at,deposit,permitted_at,accepted_by,accepted_at,refunded_by,refunded_at
	2026-10-08 09:00,$U,陈大文,老王装修,2026-10-10,2026-11-10,卫生间翻新,bathroom;plumbing,approve,王工,2026-10-09 10:00,3000,2026-10-09 11:00,王工,2026-11-12 10:00,孙丽,2026-11-13 09:00
	2026-11-20 09:00,$V,林小红,好家装修,2026-11-25,2026-12-25,刷墙,paint,approve,王工,2026-11-21 10:00,1000,2026-11-21 11:00,,,,
	2026-12-10 09:00,$U,陈大文,老王装修,2026-12-12,2026-12-28,厨房,kitchen,,,,,,,,,
	EOF
	PM_DATA=$T/imp expect_status 0 pm-reno import "$T/register.csv" && out_has "^3 rows imported" &&
	PM_DATA=$T/imp expect_status 0 pm-reno import "$T/register.csv" &&
	out_has "^0 rows imported, 3 already present" &&
	PM_DATA=$T/imp expect_status 0 pm-reno list --format csv &&
	out_has "^R000001,2026-10-08 09:00:00,$U,refunded," &&
	out_has "^R000007,2026-11-20 09:00:00,$V,permitted," && out_has "^R000010,2026-12-10 09:00:00,$U,applied,"
'
test_expect_success 'import: a forbidden work or steps out of order, and nothing is written' '
	at "2026-12-16 10:00" &&
	printf "at,unit,applicant,contractor,from,until,works,work\n2026-12-01 09:00,$U,陈大文,甲,2026-12-02,2026-12-09,拆墙,structure\n" >"$T/bad1.csv" &&
	printf "at,unit,applicant,contractor,from,until,works,deposit\n2026-12-01 09:00,$U,陈大文,甲,2026-12-02,2026-12-09,刷墙,500\n" >"$T/bad2.csv" &&
	sum=$(book_sum "$T/imp/renovations.csv") &&
	PM_DATA=$T/imp expect_status 65 pm-reno import "$T/bad1.csv" && err_has "line 2: --work structure" &&
	PM_DATA=$T/imp expect_status 65 pm-reno import "$T/bad2.csv" && err_has "line 2: decision: a permit" &&
	test "$(book_sum "$T/imp/renovations.csv")" = "$sum"
'
test_expect_success 'archive binds finished files by month; open ones stay; kept permanently' '
	at "2027-01-02 02:15" && expect_status 0 pm-report archive --format csv &&
	out_has "^renovations,archive/renovations/2026/renovations-2026-12.csv.gz," &&
	expect_status 0 pm-reno list --format csv && out_has "^R000001,.*,refunded," &&
	out_has "^R000002,.*,refused," &&
	expect_status 0 pm-reno show R000001 --format csv && test "$(sed 1d "$T/out" | wc -l)" = 17 &&
	expect_status 0 pm-reno verify &&
	at "2040-01-01 09:00" && pm-report purge --expired --confirm >/dev/null 2>&1;
	test -f "$PM_DATA/archive/renovations/2026/renovations-2026-12.csv.gz"
'
test_expect_success 'verify finds a changed row' '
	at "2027-01-03 09:00" &&
	cp "$B" "$T/book.bak" &&
	sed -i "0,/装1-1,/s//装1-9,/" "$B" &&
	expect_status 65 pm-reno verify && err_has "renovations" &&
	cp "$T/book.bak" "$B" && expect_status 0 pm-reno verify
'
