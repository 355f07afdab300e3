#!/bin/sh
# Hostile arguments, reproducibly: every command's subcommands and
# options (from the bash completion made from their own option tables)
# given values drawn by a seeded generator -- empty, dashes, huge and
# negative numbers, impossible dates, format directives, control bytes,
# invalid UTF-8, 5,000 characters, paths out of the office.  Each run
# must answer with an exit status of SPEC 4 and, when it refuses, lines
# on stderr that start with the command's name -- never a crash, a
# timeout, a sanitizer report (make check SANITIZE=1) -- and the books
# must verify afterwards.
. "$(dirname "$0")/lib.sh"

SEED=${PM_ARGS_SEED:-20261201}
RUNS=${PM_ARGS_RUNS:-500}
office "$PM_DATA" XDZA 100
export PM_NOW="2026-11-22 09:00"
pm-complaint add --unit 0010102030 --name 陈大文 --text 漏水 >/dev/null
pm-key receive --unit 0010102030 --count 2 --from 李工 >/dev/null
pm-duty log --text 一条 >/dev/null
long=$(head -c 5000 /dev/zero | tr '\0' a)
han=$(awk 'BEGIN { for (i = 0; i < 2100; i++) printf "字" }')
# the values, one a line; what cannot sit on a line is made at run time
cat >"$T/values" <<'VALUES'

-
--
-1
0
99999999999999999999
2026-02-30
2026-13-01 25:61
%s%s%n%x%p
../../etc/passwd
/dev/full
a,b"c
 leading and trailing 
NaN
1e308
XDZA-A-GC-000001
L000001
K000001
0010102030
张主管
@LONG
@HAN
@CTRL
@BADUTF8
VALUES
value() {
	case $1 in
	@LONG) printf '%s' "$long" ;;
	@HAN) printf '%s' "$han" ;;
	@CTRL) printf 'a\001b\033[2Jc' ;;
	@BADUTF8) printf '\377\376\300\200' ;;
	*) printf '%s' "$1" ;;
	esac
}
# each subcommand of a command with the options its --help line gives it
subopts() { "$1" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
	on { if ($0 ~ /^  [a-z]/) sub_ = $1; l = $0
		while (match(l, /--[a-z][a-z-]*/)) {
			print sub_, substr(l, RSTART, RLENGTH); l = substr(l, RSTART + RLENGTH) }
		if ($0 ~ /^  [a-z]/) print sub_, "-" }' | sort -u; }

cmds="pm-complaint pm-key pm-duty pm-visit pm-owner pm-desk pm-reno pm-fee pm-report"
for c in $cmds; do subopts $c >"$T/so.$c"; done
# RUNS lines "command sub value-index option value-index ...", drawn once:
# one to three of the subcommand's options, half the time a positional
awk -v seed="$SEED" -v runs="$RUNS" -v cmds="$cmds" -v T="$T" 'BEGIN {
	srand(seed); nc = split(cmds, c, " ")
	nv = 0; while ((getline v < (T "/values")) > 0) val[++nv] = v
	for (k = 1; k <= nc; k++) {
		ns[k] = 0
		while ((getline line < (T "/so." c[k])) > 0) {
			split(line, w, " ")
			if (!((k, w[1]) in seen)) { seen[k, w[1]] = 1; sub_[k, ++ns[k]] = w[1] }
			if (w[2] != "-") opt[k, w[1], ++no[k, w[1]]] = w[2]
		}
	}
	for (r = 0; r < runs; r++) {
		k = 1 + int(rand() * nc); s = sub_[k, 1 + int(rand() * ns[k])]
		line = c[k] " " s " " (rand() < 0.5 ? 1 + int(rand() * nv) : 0)
		n = no[k, s] ? 1 + int(rand() * 3) : 0
		for (i = 0; i < n; i++)
			line = line " " opt[k, s, 1 + int(rand() * no[k, s])] " " \
			    1 + int(rand() * nv)
		print line
	}
}' >"$T/plan"

test_expect_success "the plan: $RUNS runs over every command (seed $SEED)" '
	test "$(wc -l <"$T/plan")" = "$RUNS" &&
	for c in $cmds; do test "$(wc -l <"$T/so.$c")" -gt 5 &&
		grep -q "^$c " "$T/plan" || { echo "$c: nothing to run"; exit 1; }; done
'
run_plan() { # c s pi [opt vi]...: the run, with its values put in
	c=$1 s=$2 pi=$3; shift 3
	set -- "$@" END
	while [ "$1" != END ]; do
		set -- "$@" "$1" "$(value "$(sed -n "$2p" "$T/values")")"; shift 2
	done
	shift
	[ "$pi" -gt 0 ] && set -- "$(value "$(sed -n "${pi}p" "$T/values")")" "$@"
	# (in a directory of its own: an --out named by a value lands there)
	(cd "$T/wd" && timeout 20 $c "$s" "$@" </dev/null >"$T/o" 2>"$T/e")
}
mkdir -p "$T/wd"
test_expect_success 'every run answers with a status of SPEC 4, in lines that name the command' '
	: >"$T/bad" && : >"$T/statuses" &&
	while read -r line; do
		set -- $line; c=$1
		run_plan "$@"; rc=$?
		case $rc in 0|64|65|66|73|74|75|78) ;;
		*) echo "exit $rc: $line" >>"$T/bad"; head -3 "$T/e" >>"$T/bad" ;; esac
		if grep -q "Sanitizer\|runtime error" "$T/e"; then
			echo "sanitizer: $line" >>"$T/bad"; fi
		# (a usage error adds GNU'"'"'s "Try ... --help" line)
		grep -v -e "^$c: " -e "^Try '"'"'$c --help'"'"' for more information\.$" "$T/e" >"$T/e.other"
		if [ $rc != 0 ] && [ -s "$T/e.other" ]; then
			echo "stderr: $line: $(head -1 "$T/e.other" | cut -c1-100)" >>"$T/bad"; fi
		echo $rc >>"$T/statuses"
	done <"$T/plan" &&
	if [ -s "$T/bad" ]; then head -20 "$T/bad"; exit 1; fi &&
	# not only refusals: some runs got through, some were data errors
	grep -qx 0 "$T/statuses" && grep -qx 65 "$T/statuses" && grep -qx 64 "$T/statuses"
'
test_expect_success 'the books verify after all of it' '
	expect_status 0 pm-report verify
'
