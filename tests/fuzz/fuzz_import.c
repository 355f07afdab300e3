/*
 * fuzz_import.c - libFuzzer harness (make fuzz): any file given to an
 * import (any bytes, any encoding, quotes unbalanced, rows cut) is read
 * as records or refused with a line number, never a crash or an exit;
 * and read alike whether its plain lines are split by import or all of
 * them by libcsv (a difference aborts, the input kept).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../import_dump.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "at", "unit|room", "text", NULL };
	struct buf path = { 0 }, a = { 0 }, b = { 0 };

	buf_addf(&path, "%s/in.csv", fuzz_file("in.csv", data, size));
	import_dump(path.s, 1, names, &a);
	import_dump(path.s, 0, names, &b);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0)
		abort();
	buf_free(&path);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
