#!/bin/sh
# data/demo.sh [DIR] - a scripted evening and morning at the desk of the
# demo office, set up in DIR (default demo-office) from data/, and left
# there for a newcomer to go on typing in.  `make demo DEMO=dir` runs it.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/bin:$PATH
office=${1:-demo-office}
case $office in /*) ;; *) office=$(pwd)/$office ;; esac
# never clobber a directory that is not an earlier demo office
if [ -e "$office" ] && [ ! -f "$office/.pm-demo" ] &&
    [ -n "$(ls -A "$office" 2>/dev/null)" ]; then
	echo "demo: $office exists and is not a demo office; give make demo DEMO=dir" >&2
	exit 1
fi
rm -rf "$office"
mkdir -p -m 750 "$office"
: >"$office/.pm-demo"
cp "$top/data/pm.conf" "$office/"
PM_DATA=$office
TZ=${TZ:-Asia/Shanghai}
LC_ALL=${LC_ALL:-C.UTF-8}
export PATH PM_DATA TZ LC_ALL

if [ -t 1 ]; then bold=$(printf '\033[1m') plain=$(printf '\033[0m'); else bold= plain=; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "The supervisor set November's roster in October"
PM_NOW="2026-10-28 10:00" PM_USER=张主管 run pm-duty roster set --month 2026-11 "$top/data/roster-2026-11.csv"
PM_NOW="2026-10-28 10:00" PM_USER=张主管 run pm-duty roster set --month 2026-12 "$top/data/roster-2026-12.csv"

say "Thursday 20 November: the paper log of last night is typed in"
PM_NOW="2026-11-21 09:00" PM_USER=孙丽 run pm-duty import "$top/data/backlog-2026-11-20.csv"

say "Friday 21 November, 17:30: who is on duty tonight?"
export PM_USER=王五
PM_NOW="2026-11-21 17:35" run pm-duty who
PM_NOW="2026-11-21 17:40" run pm-duty log --kind inquiry --text "3栋业主咨询停车位月租"
PM_NOW="2026-11-21 19:05" run pm-duty log --kind incident --text "12栋302水管爆裂, 已通知工程部"
PM_NOW="2026-11-21 19:20" run pm-duty log --kind help --text "5栋老人求助开门"
PM_NOW="2026-11-21 19:30" run pm-duty log --text "更正: 应为6栋" --corrects L000005

say "Morning: 赵六 comes to take over, but the burst pipe is not finished"
PM_NOW="2026-11-22 08:25" run pm-duty handover --from 王五 --to 赵六 --items "对讲机=2,灭火器=4,手电筒=1" || echo "(exit $?: refused, as the procedure demands)"
PM_NOW="2026-11-22 08:27" run pm-duty log --text "工程部已更换阀门, 恢复供水" --done L000004
PM_NOW="2026-11-22 08:30" run pm-duty handover --from 王五 --to 赵六 --items "对讲机=2,灭火器=4,手电筒=1" --pending "回访12栋302业主"
PM_NOW="2026-11-22 08:31" run pm-duty pending

say "08:40: the supervisor signs yesterday's log"
PM_NOW="2026-11-22 08:40" run pm-duty review --by 张主管
PM_NOW="2026-11-22 08:41" run pm-duty show --date 2026-11-21

say "The owner archive: the sales system's list is imported"
printf 'unit,name,phone,id_no,area,handover,members\n0010102030,陈大文,13812345678,11010519491231002X,89.5,2026-10-01,王芳:配偶\n0010102031,林小红,020-87654321,,120,,\n' >"$PM_DATA/owners-from-sales.csv"
PM_NOW="2026-11-02 09:00" PM_USER=孙丽 run pm-owner import "$PM_DATA/owners-from-sales.csv"
PM_NOW="2026-11-02 09:05" PM_USER=孙丽 run pm-owner list
PM_NOW="2026-11-02 09:10" PM_USER=孙丽 run pm-owner show --unit 0010102030 --reveal --reason "业主报修, 需电话联系" || echo "(exit $?: a reveal needs the manager)"
PM_NOW="2026-11-02 09:11" PM_USER=孙丽 run pm-owner show --unit 0010102030 --reveal --reason "业主报修, 需电话联系" --approved-by 刘经理
PM_NOW="2026-11-02 09:12" PM_USER=孙丽 run pm-owner audit

say "A complaint by phone, and a petition signed by five owners"
export PM_USER=孙丽
PM_NOW="2026-11-03 09:00" run pm-complaint add --unit 0010102030 --name 陈大文 --phone 13812345678 --text "楼上漏水, 天花板发霉" --category GC --channel phone
PM_NOW="2026-11-03 09:05" run pm-complaint add --unit 0010102031 --name 业主代表 --text "电梯长期故障" --category GC --cosigners 5 --channel letter
PM_NOW="2026-11-03 09:20" run pm-complaint forward XFJY-B-GC-000001 --to 王工程 --dept 工程部
PM_NOW="2026-11-03 11:00" run pm-complaint overdue
PM_NOW="2026-11-06 10:00" run pm-complaint resolve XFJY-B-GC-000001 --result "已修复防水层" --cost 1500 || echo "(exit $?: 1500 yuan needs the quality supervisor)"
PM_NOW="2026-11-06 10:01" run pm-complaint resolve XFJY-B-GC-000001 --result "已修复防水层" --cost 1500 --approved-by 陈品质
PM_NOW="2026-11-06 10:30" run pm-complaint show XFJY-B-GC-000001
PM_NOW="2026-11-06 10:31" run pm-complaint form XFJY-A-GC-000002

say "The return visit of the leak: due with no extra step"
PM_NOW="2026-11-07 09:00" run pm-visit due
PM_NOW="2026-11-07 09:10" run pm-visit checkout XFJY-B-GC-000001 --visitor 张主管
PM_NOW="2026-11-07 10:30" run pm-visit record XFJY-B-GC-000001 --visitor 张主管 --quality 4 --attitude 5 --satisfaction satisfied --owner-signed
PM_NOW="2026-11-07 11:00" run pm-visit review XFJY-B-GC-000001 --by 张主管 --verdict pass
PM_NOW="2026-11-07 11:01" run pm-complaint close XFJY-B-GC-000001
PM_NOW="2026-11-30 09:00" run pm-visit rates --month 2026-11

say "The key cabinet: keys of a new unit arrive, engineering borrows two"
export PM_USER=孙丽
PM_NOW="2026-11-10 09:00" run pm-key receive --unit 0010102030 --count 5 --from 工程部李工
PM_NOW="2026-11-10 09:05" run pm-key receive --unit 0010102031 --count 3 --expected 4 --from 工程部李工 || echo "(exit $?: a mismatch needs a remark)"
PM_NOW="2026-11-10 09:06" run pm-key receive --unit 0010102031 --count 3 --expected 4 --from 工程部李工 --note "少一把, 已通知施工方"
PM_NOW="2026-11-11 14:00" run pm-key lend --unit 0010102030 --count 2 --to 张工 --dept 工程部 --work-id G1001
PM_NOW="2026-11-12 10:00" run pm-key lend --unit 0010102031 --count 1 --to 王师傅 --dept 施工单位 --work-id G1001 --via 张工
PM_NOW="2026-11-20 10:00" run pm-key issue --unit 0010102030 --count 4 --to 陈先生 --id-doc "身份证 110101********1234" || echo "(exit $?: only 3 are in the cabinet)"

say "A week later: reminder slips for the loans still out"
PM_NOW="2026-11-22 09:00" run pm-key overdue
PM_NOW="2026-11-22 09:00" run pm-key overdue --slip

say "The 25th: the cabinet is counted"
printf 'unit,counted\n0010102030,3\n0010102031,1\n' >"$PM_DATA/count.csv"
PM_NOW="2026-11-25 09:00" run pm-key inventory --counted "$PM_DATA/count.csv"

say "Friday 28 November: a morning at the front hall"
export PM_USER=孙丽
PM_NOW="2026-11-28 09:02" run pm-desk visitor in --name 李四 --org 顺丰快递 --visiting 12栋302住户 --id-doc 110105194912310029
PM_NOW="2026-11-28 09:10" run pm-desk parcel in --to 陈大文 --carrier 顺丰 --tracking SF1234567890 --urgent
PM_NOW="2026-11-28 09:12" run pm-desk parcel notify P000001 --how phone
PM_NOW="2026-11-28 09:20" run pm-desk call --from 业主陈 --number 13812345678 --text "周六上午停水, 请提前通知12栋" --to 工程部李工
PM_NOW="2026-11-28 09:25" run pm-desk visitor out V000001
PM_NOW="2026-11-28 09:40" run pm-desk release --unit 0010102030 --items "旧沙发一套, 书柜一个" --carrier 搬家公司王师傅 --confirmed-by 租户刘 || echo "(exit $?: a tenant needs the owner's written word)"
PM_NOW="2026-11-28 09:41" run pm-desk release --unit 0010102030 --items "旧沙发一套, 书柜一个" --carrier 搬家公司王师傅 --confirmed-by 租户刘 --authorisation "业主陈大文书面授权"
PM_NOW="2026-11-28 09:42" run pm-desk form F000001
PM_NOW="2026-11-28 10:30" run pm-desk release out F000001 --guard 保安赵
PM_NOW="2026-11-28 11:00" run pm-desk parcel out P000001 --by 林小红 --id-doc 身份证
PM_NOW="2026-11-28 17:30" run pm-desk call list --open
PM_NOW="2026-11-29 00:10" run pm-report alert

say "Arrears: the billing system's list, followed for half a year"
printf 'unit,fee,amount,since\n0010102031,管理费,1860,2026-05\n0010102030,水费,45.5,2026-06\n' >"$PM_DATA/arrears-06.csv"
PM_NOW="2026-06-05 09:00" run pm-fee import "$PM_DATA/arrears-06.csv" --as-of 2026-06-05
PM_NOW="2026-06-05 09:05" run pm-fee due
PM_NOW="2026-06-08 10:00" run pm-fee contact --unit 0010102031 --how phone --result "答应本月缴清"
PM_NOW="2026-06-10 10:00" run pm-fee notice --unit 0010102031 --signed-by 林小红
printf 'unit,fee,amount,since\n0010102031,管理费,2480,2026-05\n' >"$PM_DATA/arrears-07.csv"
PM_NOW="2026-07-05 09:00" run pm-fee import "$PM_DATA/arrears-07.csv" --as-of 2026-07-05
PM_NOW="2026-10-20 09:00" run pm-fee letter --unit 0010102031 --tracking EMS1234567 || echo "(exit $?: not before 6 months owed)"
PM_NOW="2026-11-02 09:00" run pm-fee due
PM_NOW="2026-11-03 09:00" run pm-fee letter --unit 0010102031 --tracking EMS1234567
PM_NOW="2026-11-03 09:05" run pm-fee form --unit 0010102031

say "Renovation: 林小红 redoes her kitchen, from the application to the deposit"
export PM_USER=孙丽
PM_NOW="2026-11-10 10:00" run pm-reno apply --unit 0010102031 --applicant 林小红 --contractor 美家装饰 --from 2026-11-12 --until 2026-11-25 --works "厨房翻新, 拆除隔墙" --work kitchen --work structure || echo "(exit $?: a load-bearing change is never registered)"
PM_NOW="2026-11-10 10:05" run pm-reno apply --unit 0010102031 --applicant 林小红 --contractor 美家装饰 --from 2026-11-12 --until 2026-11-25 --works "厨房翻新, 更换橱柜" --work kitchen --work plumbing --documents "产权证、身份证、施工资质"
PM_NOW="2026-11-11 09:00" run pm-reno permit R000001 --deposit 2000 || echo "(exit $?: not before the review)"
PM_NOW="2026-11-11 09:30" run pm-reno review R000001 --by 刘经理 --decision approve
PM_NOW="2026-11-11 10:00" run pm-reno permit R000001 --deposit 2000 --fee 200
PM_NOW="2026-11-11 10:05" run pm-reno pass R000001 --name 赵师傅 --id-doc 110105198001010011 --until 2026-11-25
PM_NOW="2026-11-11 10:06" run pm-reno form R000001 --notice
PM_NOW="2026-11-12 15:00" run pm-reno patrol R000001 --by 张主管 --ok
PM_NOW="2026-11-14 09:00" run pm-reno due
PM_NOW="2026-11-14 10:00" run pm-reno patrol R000001 --by 张主管 --violation "施工时间超出 18:00" --rectify-by 2026-11-15
PM_NOW="2026-11-15 16:00" run pm-reno rectified R000001 --by 张主管
PM_NOW="2026-11-24 17:00" run pm-reno accept R000001 --requested
PM_NOW="2026-11-25 10:00" run pm-reno accept R000001 --by 刘经理 --result pass
PM_NOW="2026-11-25 16:00" run pm-reno refund R000001 --by 孙丽
PM_NOW="2026-11-25 16:05" run pm-reno show R000001
export PM_USER=王五

say "30 November: cron produces the month's complaint statistics"
PM_NOW="2026-11-30 07:30" run pm-report run
PM_NOW="2026-11-30 07:31" run pm-report complaints --month 2026-11

say "1 December, 02:15: cron binds November's closed matters into volumes"
PM_NOW="2026-12-01 02:15" run pm-report archive
PM_NOW="2026-12-01 08:00" run pm-complaint show XFJY-B-GC-000001
PM_NOW="2026-12-01 08:01" run pm-complaint verify

say "Someone edits a copy of the log with a text editor, even its archived volume..."
copy=${TMPDIR:-/tmp}/pm-demo-edited.$$
trap 'rm -rf "$copy"' EXIT
cp -Rp "$PM_DATA" "$copy"
vol=$copy/archive/duty_log/2026/duty_log-2026-11.csv.gz
zcat "$vol" | sed 's/5栋老人求助开门/5栋老人求助(已删)/' | gzip >"$vol.edited" && mv "$vol.edited" "$vol"
PM_DATA=$copy PM_NOW="2026-12-01 09:00" run pm-duty verify || echo "(exit $?: the change is found)"

say "The demo office is yours to go on with"
for c in pm-duty pm-complaint pm-key pm-visit pm-owner pm-desk pm-fee pm-reno pm-report; do
	$c verify >/dev/null
done
cat <<EOF
Its books are in $office, and every one verifies.  To go on typing in it:

    export PM_DATA=$office PATH=$top/bin:\$PATH PM_USER=王五
    pm-complaint list
    pm-duty log --text "巡查完毕"

EOF
