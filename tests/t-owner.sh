#!/bin/sh
# pm-owner as the clerk and the manager use it (SPEC 2.5, SPEC 4).
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
manager = 刘经理
CONF
OWNERS=$PM_DATA/owners.csv
U=0010102030
ID=11010519491231002X
export PM_USER=孙丽 PM_NOW="2026-11-01 09:00"

test_expect_success 'a record is added; the unit code is its ID' '
	expect_status 0 pm-owner add --unit $U --name 陈大文 --phone 13812345678 \
	    --id-no $ID --member 王芳:配偶 --member 陈小明：子 --vehicle 粤B12345 \
	    --area 89.5 --handover 2026-10-01 && out_is $U
'
test_expect_success 'the owner books are created 0600' '
	test "$(stat -c %a "$OWNERS")" = 600 &&
	pm-owner show --unit $U --reveal --reason 测试 --approved-by 刘经理 >/dev/null &&
	test "$(stat -c %a "$PM_DATA/owner_access.csv")" = 600
'
test_expect_success 'list masks phone and ID numbers: table' '
	expect_status 0 pm-owner list && out_has "138\*\*\*\*5678" &&
	out_has "110105\*\*\*\*\*\*\*\*002X" && ! grep -q 13812345678 "$T/out" &&
	! grep -q $ID "$T/out"
'
test_expect_success 'list masks: csv has the contract columns' '
	expect_status 0 pm-owner list --format csv &&
	head -1 "$T/out" | grep -q "^unit,name,phone,id_no," &&
	out_has "^$U,陈大文,138\*\*\*\*5678,110105\*\*\*\*\*\*\*\*002X,王芳:配偶;陈小明:子,粤B12345,89.5,2026-10-01," &&
	! grep -q 13812345678 "$T/out"
'
test_expect_success 'list masks: json' '
	expect_status 0 pm-owner list --format json &&
	out_has "\"phone\":\"138\*\*\*\*5678\"" && ! grep -q 13812345678 "$T/out"
'
test_expect_success 'show masks too' '
	expect_status 0 pm-owner show --unit $U --format json &&
	out_has "\"id_no\":\"110105\*\*\*\*\*\*\*\*002X\"" && ! grep -q $ID "$T/out"
'
test_expect_success 'a reveal needs a reason and the manager' '
	sum=$(book_sum "$PM_DATA/owner_access.csv") &&
	expect_status 65 pm-owner show --unit $U --reveal --approved-by 刘经理 &&
	err_has "--reason is required" &&
	expect_status 65 pm-owner show --unit $U --reveal --reason 回访 &&
	err_has "--approved-by is required" &&
	expect_status 65 pm-owner show --unit $U --reveal --reason 回访 --approved-by 张主管 &&
	err_has "张主管 is not the manager" &&
	test "$(book_sum "$PM_DATA/owner_access.csv")" = "$sum" && test ! -s "$T/out"
'
test_expect_success 'a reveal shows the numbers and is registered' '
	PM_NOW="2026-11-05 10:00" expect_status 0 pm-owner --as 赵六 show --unit $U --reveal \
	    --reason "业主报修, 需电话联系" --approved-by 刘经理 --format csv &&
	out_has "^$U,陈大文,13812345678,$ID," &&
	expect_status 0 pm-owner audit --format csv &&
	out_has "^2026-11-05 10:00:00,赵六,$U,\"业主报修, 需电话联系\",刘经理$"
'
test_expect_success 'audit by month' '
	expect_status 0 pm-owner audit --month 2026-12 --format csv && out_is "at,by,unit,reason,approved_by" &&
	expect_status 65 pm-owner audit --month 2026-13
'
test_expect_success 'a change needs the manager and is kept as history' '
	expect_status 65 pm-owner change --unit $U --field phone --value 13900001111 &&
	expect_status 65 pm-owner change --unit $U --field phone --value 13900001111 --approved-by 孙丽 &&
	PM_NOW="2026-11-06 10:00" expect_status 0 pm-owner change --unit $U --field phone \
	    --value 13900001111 --approved-by 刘经理 && out_has "^O0000" &&
	expect_status 0 pm-owner show --unit $U &&
	out_has "139\*\*\*\*1111" &&
	out_has "2026-11-06 10:00:00  phone: 138\*\*\*\*5678 → 139\*\*\*\*1111  (刘经理, 孙丽)" &&
	grep -q 13812345678 "$OWNERS"
'
test_expect_success 'the history keeps before and after, in full once revealed' '
	PM_NOW="2026-11-07 10:00" expect_status 0 pm-owner change --unit $U --field phone \
	    --value 13700002222 --approved-by 刘经理 &&
	expect_status 0 pm-owner show --unit $U --reveal --reason 核对 --approved-by 刘经理 &&
	out_has "phone: 13812345678 → 13900001111  (刘经理, 孙丽)" &&
	out_has "phone: 13900001111 → 13700002222  (刘经理, 孙丽)" &&
	expect_status 0 pm-owner show --unit $U && ! grep -q 13900001111 "$T/out"
'
test_expect_success 'a new owner is a change, never a delete' '
	expect_status 0 pm-owner change --unit $U --field name --value 林小红 --approved-by 刘经理 &&
	expect_status 0 pm-owner list --format csv && out_has "^$U,林小红," &&
	grep -q "^1,.*,add,$U,陈大文," "$OWNERS"
'
test_expect_success 'no delete command exists' '
	expect_status 64 pm-owner delete --unit $U
'

# ---- bad input ----------------------------------------------------------------------
test_expect_success 'unit codes of the wrong length or with letters' '
	expect_status 65 pm-owner add --unit 001010203 --name 李四 &&
	err_has "--unit: expected a unit code of 10 digits" &&
	expect_status 65 pm-owner add --unit 00101020AB --name 李四
'
test_expect_success 'a duplicate unit' '
	sum=$(book_sum "$OWNERS") &&
	expect_status 65 pm-owner add --unit $U --name 李四 &&
	err_has "already in the archive" && test "$(book_sum "$OWNERS")" = "$sum"
'
test_expect_success 'a phone that is not a phone number' '
	for p in 12345 23812345678 1381234567x 010-123; do
		expect_status 65 pm-owner add --unit 0010102031 --name 李四 --phone $p || exit 1
		grep -q "^pm-owner: --phone: expected a phone number" "$T/err" || exit 1
	done &&
	expect_status 0 pm-owner add --unit 0010102031 --name 李四 --phone 020-87654321
'
test_expect_success 'an ID number with a bad check digit' '
	expect_status 65 pm-owner add --unit 0010102032 --name 王五 --id-no 110105194912310021 &&
	err_has "GB 11643 check digit" &&
	expect_status 65 pm-owner add --unit 0010102032 --name 王五 --id-no 110105194913310025 &&
	expect_status 65 pm-owner add --unit 0010102032 --name 王五 --id-no 1101051949 &&
	expect_status 0 pm-owner add --unit 0010102032 --name 王五 --id-no 44030419900307123X &&
	expect_status 0 pm-owner add --unit 0010102033 --name 赵六 --id-no 310101200002294569
'
test_expect_success 'other bad values name their field' '
	expect_status 65 pm-owner add --unit 0010102034 --name 某 --area 0 && err_has "--area" &&
	expect_status 65 pm-owner add --unit 0010102034 --name 某 --area 1.234 &&
	expect_status 65 pm-owner add --unit 0010102034 --name 某 --handover 2026-02-30 &&
	expect_status 65 pm-owner add --unit 0010102034 --name 某 --member 王芳 && err_has "NAME:RELATION" &&
	expect_status 65 pm-owner add --unit 0010102034 --name ../x && err_has "--name" &&
	expect_status 65 pm-owner change --unit $U --field colour --value red --approved-by 刘经理 &&
	err_has "--field: expected name, phone"
'
test_expect_success 'an unknown unit is exit 66 for show and change' '
	expect_status 66 pm-owner show --unit 0019999999 &&
	expect_status 66 pm-owner change --unit 0019999999 --field phone --value 13800000000 --approved-by 刘经理
'

# ---- the archive as the reference for other forms ---------------------------------------
test_expect_success 'pm-key checks units against the archive' '
	expect_status 65 pm-key receive --unit 0010109999 --count 1 --from 李工 &&
	err_has "--unit: unit 0010109999 is not in the owner archive" &&
	expect_status 0 pm-key receive --unit $U --count 2 --from 李工
'
test_expect_success 'with an empty archive, only the format is checked' '
	mkdir -p "$T/empty" &&
	PM_DATA=$T/empty expect_status 0 pm-key receive --unit 0010109999 --count 1 --from 李工 &&
	PM_DATA=$T/empty expect_status 65 pm-key receive --unit 00101 --count 1 --from 李工
'

# ---- import from the sales system --------------------------------------------------------
printf 'unit,name,phone,id_no,area,handover,members\r\n0020101001,"周杰",13700000001,,95.2,2026-09-01,"周妻:配偶;周子:子"\r\n0020101002,吴敏,0755-12345678,,120,,\r\n' | iconv -f UTF-8 -t GBK >"$T/sales.csv"
test_expect_success 'import an owner list from the sales system (GBK, CRLF)' '
	expect_status 0 pm-owner import "$T/sales.csv" && out_is "2 rows imported, 0 already present" &&
	expect_status 0 pm-owner list --format csv &&
	out_has "^0020101001,周杰,137\*\*\*\*0001,,周妻:配偶;周子:子,,95.2,2026-09-01,"
'
test_expect_success 'the same list twice adds nothing' '
	sum=$(book_sum "$OWNERS") &&
	expect_status 0 pm-owner import "$T/sales.csv" && out_is "0 rows imported, 2 already present" &&
	test "$(book_sum "$OWNERS")" = "$sum"
'
test_expect_success 'an import that would replace an owner is refused, all of it' '
	printf "unit,name,phone\n0020101003,郑一,13700000003\n0020101001,别人,13700000009\n0020101004,王二,999\n" >"$T/clash.csv" &&
	sum=$(book_sum "$OWNERS") &&
	expect_status 65 pm-owner import "$T/clash.csv" &&
	err_has "line 3: unit: 0020101001 is already in the archive as 周杰" &&
	err_has "line 4: --phone: expected a phone number" &&
	test "$(book_sum "$OWNERS")" = "$sum"
'
test_expect_success 'verify the owner books' '
	# reveals: the registered one, and the history read in full
	expect_status 0 pm-owner verify && out_has "owners.csv: [0-9]* rows, chain intact" &&
	out_has "owner_access.csv: 3 rows"
'
