/*
 * fuzz_verify.c - libFuzzer harness (make fuzz): any bytes standing as a
 * book (a duty log changed, cut, mangled) are verified clean or named as
 * damage at their first bad row, never a crash or an exit.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger *l;
	struct pm_err e;
	long rows;

	l = ledger_open_book(fuzz_file("duty_log.csv", data, size), "duty_log");
	if (l != NULL) {
		ledger_verify(l, &e, &rows);
		ledger_close(l);
	}
	return 0;
}
