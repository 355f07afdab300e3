/*
 * fuzz_import.c - libFuzzer harness (make fuzz): any file given to an
 * import (any bytes, any encoding, quotes unbalanced, rows cut) is read
 * as records or refused with a line number, never a crash or an exit.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "at", "unit|room", "text", NULL };
	struct import_src *src;
	struct pm_err e;
	struct buf path = { 0 };
	struct row r;
	int col[3];

	buf_addf(&path, "%s/in.csv", fuzz_file("in.csv", data, size));
	if ((src = import_start(path.s, NULL, names, NULL, col, &e)) != NULL) {
		while (import_next(src, &r, &e) == 1)
			continue;
		import_close(src);
	}
	buf_free(&path);
	return 0;
}
