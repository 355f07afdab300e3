# tests/lib.sh - sourced by every scenario script tests/t-*.sh.
#
#   test_expect_success 'what the clerk does' 'commands'
#       ok when the commands (run in a subshell) exit 0
#   expect_status N cmd...   run cmd; stdout in $T/out, stderr in $T/err;
#                            fail unless it exits N
#   err_has TEXT / out_has TEXT   the last command's stderr/stdout has TEXT
#   book_sum FILE            a checksum, to prove a refusal wrote nothing
#   office DIR CODE N        a pm.conf for office CODE of N households
#   PM_TRACE=1 sh tests/t-x.sh   runs each test's commands under set -x
set -u
TOP=${PM_TOP:-$(pwd)}
T=$TOP/tests/tmp/$(basename "$0" .sh)
rm -rf "$T"
mkdir -p "$T"
PATH=$TOP/bin:$PATH
PM_DATA=$T/office
PM_USER=王五
TZ=Asia/Shanghai
LC_ALL=C.UTF-8
export PATH PM_DATA PM_USER TZ LC_ALL
unset PM_NOW PM_TEST_CRASH 2>/dev/null || true
mkdir -p "$PM_DATA"
umask 022

test_expect_success() {
	if [ -n "${PM_TRACE:-}" ]; then (set -x; eval "$2"); return; fi
	if (eval "$2") >"$T/last.out" 2>&1; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		sed 's/^/#   /' "$T/last.out" | head -20
	fi
}

expect_status() {
	_want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	if [ "$_got" != "$_want" ]; then
		echo "expected exit $_want, got $_got from: $*"
		cat "$T/err"
		return 1
	fi
}

err_has() {
	grep -q -- "$1" "$T/err" || { echo "stderr lacks \"$1\":"; cat "$T/err"; return 1; }
}

out_has() {
	grep -q -- "$1" "$T/out" || { echo "stdout lacks \"$1\":"; cat "$T/out"; return 1; }
}

out_is() {
	printf '%s\n' "$1" | cmp -s - "$T/out" || { echo "stdout is not \"$1\":"; cat "$T/out"; return 1; }
}

# office DIR CODE HOUSEHOLDS: an office of its own, with a manager and a
# supervisor (the head office's tests)
office() {
	mkdir -p "$1"
	printf 'office = %s\nhouseholds = %s\nmanager = 刘经理\nsupervisors = 张主管\n' \
	    "$2" "$3" >"$1/pm.conf"
}

# temps BOOK: how many temporaries lie beside it (BOOK.tmp, BOOK.tmp.*)
temps() {
	ls -d "$1".tmp* 2>/dev/null | wc -l
}

book_sum() {
	if [ -f "$1" ]; then cksum <"$1"; else echo none; fi
}
