#!/bin/sh
# Hostile input to every import, reproducibly (seeded): random bytes,
# broken quotes, NUL bytes, invalid UTF-8, absurd numbers, overlong
# fields.  Every command must answer with a usage or data error or
# succeed -- never crash, never trip AddressSanitizer or UBSan (make
# check SANITIZE=1) -- and the books must verify afterwards.
. "$(dirname "$0")/lib.sh"

export PM_NOW="2026-11-22 09:00"
# N bytes from awk's generator with seed S (LC_ALL=C: raw bytes)
bytes() { LC_ALL=C awk -v n="$1" -v s="$2" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%c", int(rand() * 256) }'; }
# N printable characters
chars() { LC_ALL=C awk -v n="$1" -v s="$2" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%c", 33 + int(rand() * 90) }' | tr -d '",'; }

fuzz_file() {
	seed=$1
	case $((seed % 8)) in
	0) bytes $((seed * 37 % 3000 + 1)) $seed ;;
	1) printf 'at,kind,text,by\n'; bytes 500 $seed; printf '\n' ;;
	2) printf 'unit,name,text\n0010102030,"%s\n' "$(chars 300 $seed)" ;;
	3) printf 'event,unit,count,from\n'; printf 'receive,0010102030,%d,"x""y",\n' $((seed * 7919 % 400 - 200)) ;;
	4) printf '\357\273\277unit,name,phone,id_no\r\n0010102030,a\000b,1380000,\377\376\r\n' ;;
	5) printf 'type,ref,unit,done\nrepair,%s,0010102030,2026-11-01\n' "$(chars 80 $seed)" ;;
	6) printf 'at,kind,text\n2026-11-01 10:00,other,%s\n' "$(chars 5000 $seed)" ;;
	7) printf 'a,b\n"open quote,\n"x"y,z\n,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n' ;;
	esac
}

for seed in $(seq 1 40); do
	fuzz_file $seed >"$T/f$seed.csv"
done
for cmd in pm-duty pm-key pm-owner pm-complaint pm-visit; do
	test_expect_success "$cmd import survives 40 hostile files" '
		for seed in $(seq 1 40); do
			'"$cmd"' import "$T/f$seed.csv" >/dev/null 2>"$T/err"; rc=$?
			case $rc in 0|64|65|66) ;; *) echo "seed $seed: exit $rc"; cat "$T/err"; exit 1;; esac
			if grep -q "Sanitizer\|runtime error" "$T/err"; then echo "seed $seed:"; cat "$T/err"; exit 1; fi
		done
	'
done
test_expect_success 'the books verify after all of it' '
	for cmd in pm-duty pm-key pm-owner pm-complaint pm-visit; do
		$cmd verify >/dev/null || exit 1
	done
'
test_expect_success 'overlong and hostile arguments are refused cleanly' '
	long=$(head -c 100000 /dev/zero | tr "\\0" a) &&
	expect_status 65 pm-complaint add --unit 0010102030 --name "$long" --text x &&
	expect_status 65 pm-key receive --unit "$long" --count 1 --from x &&
	expect_status 65 pm-duty log --text "$(bytes 3000 7 | tr -d "\\0")" &&
	expect_status 66 pm-visit record "$long" --visitor a --quality 1 --attitude 1 --satisfaction basic &&
	! grep -q "Sanitizer\|runtime error" "$T/err"
'
