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

/* the records read, then the end: one string to compare */
static void
read_all(const char *path, int plain, struct buf *out)
{
	static const char *const names[] = { "at", "unit|room", "text", NULL };
	struct import_src *src;
	struct pm_err e;
	struct row r;
	int col[3], rc = 0, i;

	import_split_plain(plain);
	if ((src = import_start(path, NULL, names, NULL, col, &e)) != NULL) {
		while ((rc = import_next(src, &r, &e)) == 1) {
			buf_addf(out, "%ld %d", r.line, r.n);
			for (i = 0; i < r.n; i++) {
				buf_add(out, "|", 1);
				buf_add(out, r.f[i], r.len[i]);
			}
			buf_add(out, "\n", 1);
		}
		import_close(src);
	}
	buf_addf(out, "end %d %s\n", rc, src == NULL || rc < 0 ? e.msg : "");
	import_split_plain(1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf path = { 0 }, a = { 0 }, b = { 0 };

	buf_addf(&path, "%s/in.csv", fuzz_file("in.csv", data, size));
	read_all(path.s, 1, &a);
	read_all(path.s, 0, &b);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0)
		abort();
	buf_free(&path);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
