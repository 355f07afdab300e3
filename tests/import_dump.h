/*
 * import_dump.h - what the unit tests and the import fuzz harness both
 * read of a file given to an import: its records and its end as text
 * ("line n|field|field" lines, then "end rc message"), with the plain
 * lines split by import (plain 1) or every line by libcsv (plain 0).
 * names: the header's columns to find (import_start), or NULL: the
 * header is a record too (import_open).
 */
#include "pm.h"

static void
import_dump(const char *path, int plain, const char *const *names,
    struct buf *out)
{
	struct import_src *src;
	struct pm_err e = { 0 };
	struct row r;
	int col[LEDGER_COLS_MAX], rc = 0, i;

	import_split_plain(plain);
	buf_reset(out);
	src = names != NULL ? import_start(path, NULL, names, NULL, col, &e) :
	    import_open(path, NULL, &e);
	if (src != NULL) {
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
	buf_addf(out, "end %d %s\n", src == NULL ? -1 : rc,
	    src == NULL || rc < 0 ? e.msg : "");
	import_split_plain(1);
}
