/*
 * unit.c - unit tests of the plumbing (lib/): clock, field, out, conf,
 * ledger (append, scan, chain, torn rows, anchors, volumes) and import.
 * Prints "ok - what" or "not ok - what" a check; tests/run counts them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "pm.h"
#include "key.h"
#include "owner.h"
#include "complaint.h"
#include "duty.h"
#include "ledger_priv.h"
#include "import_dump.h"

static int failures;

#define CHECK(cond, what) check((cond), (what), __FILE__, __LINE__)

static void
check(int ok, const char *what, const char *file, int line)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok) {
		printf("#   at %s:%d\n", file, line);
		failures++;
	}
}

static char tmpdir[256];

static void
write_file(const char *path, const char *s, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(s, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
}

static char *
read_file(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[4096];
	size_t k;

	if (fp == NULL)
		return NULL;
	while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, k);
	fclose(fp);
	if (n)
		*n = b.len;
	if (b.s == NULL)
		b.s = xstrdup("");
	return b.s;
}

/* ---- clock -------------------------------------------------------------- */

/* The one growable array: doubling, a need beyond double, kept values. */
/* str_set: snprintf's "%s", cut short to fit, always ended. */
/* num_format writes what "%0*ld" writes, length and all. */
static void
test_num_format(void)
{
	static const long v[] = { 0, 7, 12, 999999, 1000000, 1234567890L,
		-5, LONG_MAX, LONG_MIN };
	static const int min[] = { 1, 6 };
	char got[24], want[32];
	size_t i, k;
	int ok = 1;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		for (k = 0; k < 2; k++) {
			size_t n = num_format(v[i], min[k], got);

			snprintf(want, sizeof want, "%0*ld", min[k], v[i]);
			ok &= strcmp(got, want) == 0 && n == strlen(want);
		}
	CHECK(ok, "num_format: as %0*ld writes it, zeros, sign and all");
}

/* A field as RFC 4180 writes it, by the rule spelled out plainly. */
static void
csv_by_hand(const char *s, size_t len, struct buf *want)
{
	size_t i;

	buf_reset(want);
	if (len == 0)
		return;
	if (strcspn(s, ",\"\r\n") >= len && s[0] != ' ' && s[0] != '\t' &&
	    s[len - 1] != ' ' && s[len - 1] != '\t') {
		buf_add(want, s, len);
		return;
	}
	buf_add(want, "\"", 1);
	for (i = 0; i < len; i++)
		buf_add(want, s[i] == '"' ? "\"\"" : s + i, 1 + (s[i] == '"'));
	buf_add(want, "\"", 1);
}

/*
 * csv_put against the rule by hand: every length to 70 (16 bytes are
 * compared at once, the last 16 overlapping), each special byte at each
 * place, spaces and tabs at the ends, Chinese text around them.
 */
static void
test_csv_put(void)
{
	static const char specials[] = ",\"\r\n \tx";
	char s[80], out[CSV_PUT_MAX(80)];
	struct buf want = { 0 };
	size_t len, at, k, n;
	int ok = 1, cases = 0;

	for (len = 1; len <= 70; len++)
		for (at = 0; at < len; at++)
			for (k = 0; k < sizeof specials - 1; k++) {
				for (n = 0; n < len; n++)	/* 中: e4 b8 ad */
					s[n] = "\xe4\xb8\xad"[n % 3];
				s[at] = specials[k];
				s[len] = '\0';
				csv_by_hand(s, len, &want);
				n = csv_put(out, s, len);
				ok &= n == want.len && memcmp(out, want.s, n) == 0;
				cases++;
			}
	CHECK(ok && cases > 17000, "csv_put: quotes a field as the rule by "
	    "hand does, at every length and place");
	buf_free(&want);
}

static void
test_str_set(void)
{
	char s[6];

	memset(s, 'x', sizeof s);
	str_set(s, sizeof s, "abc");
	CHECK(strcmp(s, "abc") == 0, "str_set: a short string whole");
	str_set(s, sizeof s, "abcdefgh");
	CHECK(strcmp(s, "abcde") == 0, "str_set: a long one cut to fit, ended");
	str_set(s, sizeof s, "abcde");
	CHECK(strcmp(s, "abcde") == 0, "str_set: one that just fits");
	str_set(s, 1, "abc");
	CHECK(s[0] == '\0', "str_set: room for the end only");
}

/*
 * spill: records given back in order of their first string, with and
 * without runs in a temporary file (a limit of 1 KiB makes dozens), the
 * rest of each record intact.
 */
/*
 * copy_whole: a prefix of a file of several read chunks, in the kernel
 * and by hand, lands byte for byte with the copy's offset at its end
 * (the rows that follow are written there); a source shorter than the
 * prefix asked for is an error, not a short copy.
 */
static void
test_copy_whole(void)
{
	size_t total = 3 * READ_CHUNK + 12345, i, got;
	off_t ends[] = { 0, 1, READ_CHUNK, READ_CHUNK + 1, 3 * READ_CHUNK + 12345 };
	char *data = xmalloc(total), *back, src[300], dst[300];
	unsigned x = 12345;
	int by_hand, k, in, out, ok;

	for (i = 0; i < total; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (char)(x >> 16);
	}
	snprintf(src, sizeof src, "%s/copy-src", tmpdir);
	snprintf(dst, sizeof dst, "%s/copy-dst", tmpdir);
	write_file(src, data, total);
	in = open(src, O_RDONLY);
	for (by_hand = 0; by_hand <= 1; by_hand++)
		for (k = 0; k < (int)(sizeof ends / sizeof ends[0]); k++) {
			out = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0600);
			ok = copy_whole(in, out, ends[k], by_hand) == 0 &&
			    lseek(out, 0, SEEK_CUR) == ends[k];
			close(out);
			back = read_file(dst, &got);
			ok = ok && got == (size_t)ends[k] &&
			    memcmp(back, data, got) == 0;
			free(back);
			CHECK(ok, by_hand ? "copy_whole by hand: the prefix, "
			    "offset at its end" : "copy_whole in the kernel: "
			    "the prefix, offset at its end");
		}
	for (by_hand = 0; by_hand <= 1; by_hand++) {
		out = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0600);
		CHECK(copy_whole(in, out, (off_t)total + 10, by_hand) == EIO,
		    "copy_whole: a source shorter than asked is EIO");
		close(out);
	}
	close(in);
	free(data);
}

/*
 * sync_ahead: no flush below SYNC_AHEAD bytes, one started at it and
 * waited for; a flush that fails (fdatasync on a pipe: EINVAL) is the
 * errno sync_ahead_end gives, not lost.
 */
static void
test_sync_ahead(void)
{
	struct sync_ahead sa;
	char path[300];
	int fd, p[2], ok;

	snprintf(path, sizeof path, "%s/sync-ahead", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	memset(&sa, 0, sizeof sa);
	ok = write(fd, "row\n", 4) == 4 &&
	    sync_ahead(&sa, fd, 0, SYNC_AHEAD - 1) == 0 && !sa.pending;
	CHECK(ok, "sync_ahead: nothing flushed below SYNC_AHEAD bytes");
	ok = sync_ahead(&sa, fd, 0, 1) == 0 && sa.pending && sa.unsynced == 0;
	CHECK(ok, "sync_ahead: a flush started at SYNC_AHEAD bytes");
	CHECK(sync_ahead_end(&sa) == 0 && !sa.pending,
	    "sync_ahead_end: the flush waited for, and it succeeded");
	CHECK(sync_ahead_end(&sa) == 0, "sync_ahead_end: none under way is 0");
	close(fd);
	if (pipe(p) != 0)
		return;
	memset(&sa, 0, sizeof sa);
	ok = sync_ahead(&sa, p[1], 0, SYNC_AHEAD) == 0 && sa.pending;
	CHECK(ok && sync_ahead_end(&sa) == EINVAL,
	    "sync_ahead_end: a flush that failed gives its errno");
	close(p[0]);
	close(p[1]);
}

static void
test_spill(void)
{
	static const size_t limits[] = { 0, 1024 };
	char rec[64], prev[32];
	const char *r;
	size_t k;
	int i, n, ok, runs;

	for (k = 0; k < 2; k++) {
		struct spill s;

		memset(&s, 0, sizeof s);
		s.limit = limits[k];
		for (i = 0; i < 5000; i++) {
			/* keys in a scrambled order, each with its number after */
			int key = (i * 7919) % 5000;
			int len = snprintf(rec, sizeof rec, "k%05d", key);

			len += 1 + snprintf(rec + len + 1, sizeof rec - len - 1,
			    "v%d", key * 3);
			spill_add(&s, rec, (size_t)len + 1);
		}
		spill_sort(&s);
		runs = (int)s.nruns;
		ok = 1;
		prev[0] = '\0';
		for (n = 0; (r = spill_peek(&s)) != NULL; n++) {
			char want[16];

			snprintf(want, sizeof want, "v%d", atoi(r + 1) * 3);
			ok &= strcmp(prev, r) < 0 &&
			    strcmp(r + strlen(r) + 1, want) == 0;
			snprintf(prev, sizeof prev, "%s", r);
			spill_pop(&s);
		}
		CHECK(ok && n == 5000 && (k == 0 ? runs == 0 : runs > 20),
		    k == 0 ? "spill: 5,000 records held, given back in order" :
		    "spill: 5,000 records in runs on disk, merged in order");
		spill_free(&s);
	}
}

static void
test_grow(void)
{
	long *v = NULL;
	size_t n, cap = 0, caps = 0, lastcap = 0;

	for (n = 0; n < 1000; n++) {
		GROW(v, n + 1, cap);
		if (cap != lastcap)
			caps++;
		lastcap = cap;
		v[n] = (long)n * 7;
	}
	CHECK(cap >= 1000 && cap < 2000, "grow: 1000 pushes fit in < 2000");
	/* 16, 32, ... 1024: seven allocations, not a thousand */
	CHECK(caps == 7, "grow: capacity doubles (7 reallocations)");
	for (n = 0; n < 1000 && v[n] == (long)n * 7; n++)
		;
	CHECK(n == 1000, "grow: values kept across reallocations");
	GROW(v, 5000, cap);
	CHECK(cap >= 5000 && v[999] == 999 * 7, "grow: a need past double");
	n = cap;
	GROW(v, 10, cap);
	CHECK(cap == n, "grow: no shrink, no change when there is room");
	free(v);
}

/*
 * Times of the same hour one after another, as a file's rows come, and
 * hours that change: each as mktime makes it, by the test's own tm; in
 * an hour just parsed, a minute or second out of range still refused.
 */
static void
test_clock_hours(void)
{
	static const char *const bad[] = { "2026-10-01 09:60:00",
		"2026-10-01 09:00:60", "2026-10-01 09:5x", "2026-10-01 09:5",
		"2026-10-01 09:00:0x", "2026-10-01 09:00:000" };
	char s[24];
	struct tm tm;
	time_t t;
	unsigned seed = 11;
	int i, ok = 1, refused = 1, y, mo, d, h, mi, sec;

	for (i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		/* most in the hour before, now and then another, or T */
		y = 2026;
		mo = i < 1500 ? 10 : 3;
		d = 1 + i / 400;
		h = (i / 37) % 24;
		mi = (int)(seed >> 8) % 60;
		sec = (int)(seed >> 16) % 60;
		snprintf(s, sizeof s, "%04d-%02d-%02d%c%02d:%02d:%02d", y, mo, d,
		    seed % 7 == 0 ? 'T' : ' ', h, mi, sec);
		if (seed % 5 == 0)
			s[16] = '\0';	/* HH:MM */
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = seed % 5 == 0 ? 0 : sec;
		tm.tm_isdst = -1;
		ok &= clock_parse(s, &t, NULL) == 0 && t == mktime(&tm);
	}
	CHECK(ok, "clock: 3,000 times, hours kept and changed, as mktime has them");
	for (i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++)
		refused &= clock_parse("2026-10-01 09:00:00", &t, NULL) == 0 &&
		    clock_parse(bad[i], &t, NULL) != 0;
	CHECK(refused, "clock: in the hour just parsed, a bad minute or second "
	    "is still refused");
}

/*
 * clock_format against localtime and strftime, second by random second,
 * in zones of whole hours, of half hours (remembered a minute at a time)
 * and with summer time, one changing its clocks at half past: the 81
 * days from 15 February, each zone in another year, as the remembered
 * hours are the last two formatted.
 */
static void
test_clock_format(void)
{
	static const char *const zones[] = { "Asia/Shanghai", "Asia/Kolkata",
		"America/New_York", "Australia/Lord_Howe", "Europe/London",
		/* whole hours, changed at half past: an hour split in two */
		"XST-1XDT-2,M3.5.0/1:30,M10.5.0/3:30" };
	const char *was = getenv("TZ");
	char saved[64], got[20], want[20];
	unsigned seed = 7;
	size_t z;
	int i, ok = 1;

	snprintf(saved, sizeof saved, "%s", was ? was : "");
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		/* 15 February on, a year later for each zone: March's changes */
		time_t t = (time_t)1771113600 + (time_t)z * 31536000;

		setenv("TZ", zones[z], 1);
		tzset();
		for (i = 0; i < 20000; i++) {
			struct tm tm;

			seed = seed * 1103515245u + 12345u;
			t += (time_t)(seed >> 8) % 700;	/* 81 days in all */
			localtime_r(&t, &tm);
			strftime(want, sizeof want, "%Y-%m-%d %H:%M:%S", &tm);
			clock_format(t, got);
			ok &= strcmp(got, want) == 0;
		}
	}
	if (was)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	CHECK(ok, "clock: format as localtime and strftime write it, in six "
	    "zones, summer time and half hours");
}

static void
test_clock(void)
{
	time_t t, u;
	int timed, y, m, q, mins;
	char s[20];

	CHECK(clock_parse("2026-11-22", &t, &timed) == 0 && !timed,
	    "clock: a date parses");
	clock_format(t, s);
	CHECK(strcmp(s, "2026-11-22 00:00:00") == 0, "clock: a date is midnight");
	CHECK(clock_parse("2026-11-22 17:30", &t, &timed) == 0 && timed,
	    "clock: date and HH:MM parse");
	clock_format(t, s);
	CHECK(strcmp(s, "2026-11-22 17:30:00") == 0, "clock: format round trip");
	CHECK(clock_parse("2026-11-22 17:30:59", &t, NULL) == 0,
	    "clock: seconds parse");
	CHECK(clock_parse("2026-02-30", &t, NULL) != 0, "clock: 2026-02-30 refused");
	CHECK(clock_parse("2026-02-29", &t, NULL) != 0,
	    "clock: 2026-02-29 refused (not a leap year)");
	CHECK(clock_parse("2028-02-29", &t, NULL) == 0, "clock: 2028-02-29 accepted");
	CHECK(clock_parse("2026-01-01 24:61", &t, NULL) != 0,
	    "clock: 24:61 refused");
	CHECK(clock_parse("2026-01-01 24:00", &t, NULL) != 0,
	    "clock: 24:00 refused as a time of day");
	CHECK(clock_parse("2026-13-01", &t, NULL) != 0, "clock: month 13 refused");
	CHECK(clock_parse("2026-1-1", &t, NULL) != 0, "clock: short form refused");
	CHECK(clock_parse("2026-01-01x", &t, NULL) != 0,
	    "clock: trailing junk refused");
	CHECK(clock_parse("", &t, NULL) != 0, "clock: empty refused");
	CHECK(clock_parse_month("2026-11", &y, &m) == 0 && y == 2026 && m == 11,
	    "clock: month parses");
	CHECK(clock_parse_month("2026-13", &y, &m) != 0, "clock: 2026-13 refused");
	CHECK(clock_parse_quarter("2026Q4", &y, &q) == 0 && q == 4,
	    "clock: quarter parses");
	CHECK(clock_parse_quarter("2026Q5", &y, &q) != 0, "clock: Q5 refused");
	CHECK(clock_parse_hm("17:30", &mins) == 0 && mins == 17 * 60 + 30,
	    "clock: HH:MM parses");
	CHECK(clock_parse_hm("25:00", &mins) != 0, "clock: 25:00 refused");
	CHECK(clock_days_in_month(2026, 2) == 28 && clock_days_in_month(2028, 2)
	    == 29 && clock_days_in_month(2026, 12) == 31, "clock: days in month");
	clock_parse("2026-12-31 23:00", &t, NULL);
	u = clock_add_days(t, 1);
	clock_format(u, s);
	CHECK(strcmp(s, "2027-01-01 23:00:00") == 0, "clock: add a day over a year");
	clock_parse("2026-02-01", &u, NULL);
	CHECK(clock_month_end(2026, 1) == u, "clock: end of January is 1 February");
	clock_parse("2027-01-01", &u, NULL);
	CHECK(clock_month_end(2026, 12) == u, "clock: end of December");
	clock_parse("2026-11-22 23:59:59", &t, NULL);
	clock_parse("2026-11-22 00:00", &u, NULL);
	CHECK(clock_same_day(t, u) && !clock_same_day(t, u - 1),
	    "clock: same day ends at 24:00");
	CHECK(clock_now() == clock_now(), "clock: PM_NOW is one reading");
	clock_parse("2026-11-22 09:15", &t, NULL);
	CHECK(clock_now() == t, "clock: PM_NOW sets the time");
}

/* ---- field -------------------------------------------------------------- */

/* Texts, and the rule each breaks first (NULL: taken). */
static const struct text_case {
	const char *v;
	size_t len, max;
	const char *refused, *what;
} text_cases[] = {
	{ "a\nb", 3, 100, NULL, "field: newline allowed in text" },
	{ "a\0b", 3, 100, "NUL", "field: NUL byte refused" },
	{ "a\033b", 3, 100, "control", "field: control character refused" },
	{ "\xff\xfe", 2, 100, "UTF-8", "field: invalid UTF-8 refused" },
	{ "  ", 2, 100, "empty", "field: blank text refused" },
	/* one pass over the text, judged in the order of the rules */
	{ "a\033\xff\0", 4, 100, "NUL", "field: a NUL judged before bad UTF-8" },
	{ "a\033\xff", 3, 100, "UTF-8",
	    "field: bad UTF-8 judged before control" },
	{ "\n\033\001", 3, 100, "\\x1b",
	    "field: the first control character named" },
	{ " \n ", 3, 100, "empty", "field: spaces and newlines are blank" },
	{ "中文字", 9, 3, NULL, "field: three characters are not too long" },
	{ "中文字a", 10, 3, "longer", "field: characters counted, not bytes" },
};

static void
test_field(void)
{
	struct pm_err e;
	long n;
	time_t t;
	static const char *const imp[] = { "A", "B", "C", NULL };
	char big[3 * FIELD_TEXT_MAX + 8];
	size_t k;

	CHECK(field_unit(&e, "--unit", "0010102030") == 0, "field: unit code ok");
	CHECK(field_unit(&e, "--unit", "001010203") != 0 &&
	    strstr(e.msg, "--unit") && strstr(e.msg, "10 digits"),
	    "field: 9-digit unit refused, naming field and rule");
	CHECK(field_unit(&e, "--unit", "00101020AB") != 0,
	    "field: unit with letters refused");
	CHECK(field_enum(&e, "importance", "D", imp) != 0 &&
	    strcmp(e.msg, "importance: expected A, B or C, got \"D\"") == 0,
	    "field: enum message lists the choices");
	CHECK(field_count(&e, "--count", "5", 1, 99, &n) == 0 && n == 5,
	    "field: count ok");
	CHECK(field_count(&e, "--count", "-1", 1, 99, &n) != 0,
	    "field: negative count refused");
	CHECK(field_count(&e, "--count", "100", 1, 99, &n) != 0 &&
	    strstr(e.msg, "1 to 99"), "field: absurd count refused");
	CHECK(field_count(&e, "--count", "3x", 1, 99, &n) != 0,
	    "field: non-numeric count refused");
	CHECK(field_count(&e, "--count", "99999999999999999999", 1, 99, &n) != 0,
	    "field: overflowing count refused");
	CHECK(field_name(&e, "--as", "张三") == 0, "field: Chinese name ok");
	CHECK(field_name(&e, "--as", "../etc/passwd") != 0,
	    "field: a path is not a name");
	CHECK(field_name(&e, "--as", "-rf") != 0, "field: an option is not a name");
	CHECK(field_name(&e, "--as", "") != 0, "field: empty name refused");
	for (k = 0; k < sizeof text_cases / sizeof text_cases[0]; k++) {
		const struct text_case *tc = &text_cases[k];
		int rc = field_text(&e, "--text", tc->v, tc->len, tc->max);

		CHECK(tc->refused == NULL ? rc == 0 : rc != 0 &&
		    strstr(e.msg, tc->refused) != NULL, tc->what);
	}
	CHECK(field_name(&e, "--as", "a\nb") != 0 && strstr(e.msg, "control"),
	    "field: no newline in a name");
	memset(big, 'x', FIELD_TEXT_MAX + 1);
	big[FIELD_TEXT_MAX + 1] = '\0';
	CHECK(field_text(&e, "--text", big, strlen(big), FIELD_TEXT_MAX) != 0 &&
	    strstr(e.msg, "longer"), "field: overlong text refused");
	CHECK(utf8_valid("中文", strlen("中文")), "utf8: Chinese valid");
	CHECK(!utf8_valid("\xc0\xaf", 2), "utf8: overlong form invalid");
	CHECK(!utf8_valid("\xed\xa0\x80", 3), "utf8: surrogate invalid");
	CHECK(!utf8_valid("\xe4\xb8", 2), "utf8: cut character invalid");
	CHECK(utf8_chars("中文ab") == 4, "utf8: characters counted");
	CHECK(field_date(&e, "--at", "2026-02-30", &t) != 0 &&
	    strstr(e.msg, "--at") && strstr(e.msg, "2026-02-30"),
	    "field: impossible date refused naming the field");
	CHECK(field_not_future(&e, "--at", clock_now() + 60, clock_now()) != 0,
	    "field: future time refused");
}

/* ---- out ---------------------------------------------------------------- */

static char *
render(enum out_format f, int excel, const char *const *cols,
    const char *const *rows, int nrows)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);
	struct out *o = out_open(fp, f, excel, cols);
	int i, nc = 0;

	while (cols[nc])
		nc++;
	for (i = 0; i < nrows; i++)
		out_row(o, rows + i * nc);
	out_close(o);
	fclose(fp);
	return s;
}

/*
 * A long table: the rows past those kept in memory wait in a file, and
 * the widest cell, in the last row, still sets its column's width.
 */
/* The already-present check: each key once; a table reserved, not grown. */
/*
 * The text check's quick way over three-byte characters says what the
 * UTF-8 decoder says, for every lead byte E0-EF and every second byte,
 * with a third byte in and out of the continuation range.
 */
static void
test_text_utf8(void)
{
	static const unsigned char thirds[] = { 0x00, 0x41, 0x7f, 0x80, 0x9f,
		0xa0, 0xbf, 0xc0, 0xff };
	struct pm_err e;
	unsigned char v[5] = "a";
	int lead, second, k, agree = 1, cut = 1;

	for (lead = 0xe0; lead <= 0xef; lead++)
		for (second = 0; second < 256; second++)
			for (k = 0; k < (int)sizeof thirds; k++) {
				v[1] = lead;
				v[2] = second;
				v[3] = thirds[k];
				if ((field_text(&e, "t", (char *)v, 4, 10) == 0) !=
				    utf8_valid((char *)v, 4))
					agree = 0;
				/* the character cut by the end of the text */
				if (field_text(&e, "t", (char *)v, 3, 10) == 0)
					cut = 0;
			}
	CHECK(agree, "field: a three-byte character is valid as UTF-8 says");
	CHECK(cut, "field: a three-byte character cut at the end is refused");
}

static void
test_seen(void)
{
	struct import_seen s;
	char key[32];
	size_t cap;
	int i, fresh = 0, again = 0;

	memset(&s, 0, sizeof s);
	import_seen_reserve(&s, 5000);
	cap = s.cap;
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		fresh += import_seen_add(&s, key, strlen(key));
	}
	for (i = 0; i < 5000; i += 7) {
		snprintf(key, sizeof key, "k%d", i);
		again += import_seen_add(&s, key, strlen(key));
	}
	CHECK(fresh == 5000 && again == 0 && s.n == 5000,
	    "seen: 5,000 keys new once, then already present");
	CHECK(cap == 16384 && s.cap == cap,
	    "seen: room reserved for 5,000 keys at once, never grown");
	import_seen_free(&s);
}

static void
test_long_table(void)
{
	static const char *const cols[] = { "id", "by", NULL };
	enum { N = 5000 };
	const char **rows = xcalloc(2 * N, sizeof *rows);
	char (*ids)[16] = xcalloc(N, sizeof *ids), *s, *line, *save = NULL;
	int i, n = 0, ok = 1;

	for (i = 0; i < N; i++) {
		snprintf(ids[i], sizeof ids[i], "r%d", i);
		rows[2 * i] = i == N - 1 ? "第五千行，最宽的一格" : ids[i];
		rows[2 * i + 1] = "x";
	}
	s = render(OUT_TABLE, 0, cols, rows, N);
	CHECK(strstr(s, "\n第五千行，最宽的一格  x\n") != NULL,
	    "out: the last row, from the file the long table waited in");
	/* the widest: 10 characters of two columns, then two spaces */
	for (line = strtok_r(s, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save), n++) {
		char want[64];

		if (n == 0 || n == N)
			continue;
		snprintf(want, sizeof want, "%-22sx", ids[n - 1]);
		if (strcmp(line, want) != 0 && ok) {
			ok = 0;
			fprintf(stderr, "line %d: \"%s\"\n", n, line);
		}
	}
	CHECK(ok && n == N + 1, "out: a table of 5,000 rows, every row in "
	    "turn, the columns as wide as a cell of its last row");
	free(s);
	free(rows);
	free(ids);
}

static void
test_out(void)
{
	static const char *const cols[] = { "id", "text", "by", NULL };
	static const char *const rows[] = {
		"L1", "水管爆裂", "王五",
		"L2", "ok", "Zhao",
		"L3", "say \"hi\", then\nleave", "=1+1",
	};
	static const char *const ncols[] = { "type", "rate:n", NULL };
	static const char *const nrows[] = { "repair", "0.95" };
	char *s, *line, *save = NULL;
	int col = -1, aligned = 1;
	struct buf b = { 0 };

	CHECK(out_width("中文ab") == 6, "out: CJK characters are two columns");
	CHECK(out_width("") == 0, "out: empty has no width");
	s = render(OUT_TABLE, 0, cols, rows, 3);
	for (line = strtok_r(s, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		/* the 'by' column starts at the same display column */
		char *last = strrchr(line, ' ');
		int w;

		*last = '\0';
		w = out_width(line) + 1;
		if (col < 0)
			col = w;
		else if (w != col)
			aligned = 0;
	}
	CHECK(aligned && col > 0, "out: table aligns Chinese text");
	free(s);
	s = render(OUT_CSV, 0, cols, rows, 3);
	CHECK(strcmp(s, "id,text,by\nL1,水管爆裂,王五\nL2,ok,Zhao\n"
	    "L3,\"say \"\"hi\"\", then\nleave\",=1+1\n") == 0,
	    "out: csv quotes per RFC 4180");
	free(s);
	s = render(OUT_CSV, 1, cols, rows + 6, 1);
	CHECK(strncmp(s, "\xef\xbb\xbfid,text,by\r\n", 15) == 0,
	    "out: excel csv has BOM and CRLF");
	CHECK(strstr(s, ",'=1+1\r\n") != NULL, "out: excel csv neutralises formulas");
	free(s);
	s = render(OUT_JSON, 0, cols, rows, 3);
	CHECK(strstr(s, "\"text\":\"say \\\"hi\\\", then\\nleave\"") != NULL,
	    "out: json escapes quotes and newlines");
	free(s);
	json_string(&b, "a\001b\\");
	CHECK(strcmp(b.s, "\"a\\u0001b\\\\\"") == 0,
	    "out: json escapes control characters");
	buf_free(&b);
	s = render(OUT_JSON, 0, ncols, nrows, 1);
	CHECK(strstr(s, "\"rate\":0.95") != NULL, "out: numeric columns are numbers");
	free(s);
	s = render(OUT_JSON, 0, cols, rows, 0);
	CHECK(strcmp(s, "[]\n") == 0, "out: empty json is an empty array");
	free(s);
	csv_field(&b, " lead", 5);
	CHECK(strcmp(b.s, "\" lead\"") == 0, "out: csv keeps leading spaces quoted");
	buf_free(&b);
}

/* ---- conf --------------------------------------------------------------- */

static void
test_conf(void)
{
	struct conf c;
	struct pm_err e;
	char path[512];
	time_t t;

	snprintf(path, sizeof path, "%s/pm.conf", tmpdir);
	unlink(path);
	CHECK(conf_load(&c, tmpdir, &e) == 0 && strcmp(c.office, "PM") == 0 &&
	    c.loan_days == 7 && c.ndepartments == 7,
	    "conf: no pm.conf means the defaults");
	CHECK(field_all_digits("0010102030", 10) && field_all_digits("12x", 2) &&
	    !field_all_digits("12x", 3) && !field_all_digits("１２", 6) &&
	    field_all_digits("", 0), "field: all digits, ASCII ones only");
	CHECK(conf_is_department(&c, c.departments[0]) &&
	    conf_is_department(&c, c.departments[6]) &&
	    !conf_is_department(&c, "施工单位") && !conf_is_department(&c, ""),
	    "conf: a department of pm.conf is one, anything else is not");
	conf_free(&c);
	write_file(path, "# office\noffice = XDZA\nhouseholds = 1200\n"
	    "duty_hours = 17:30-08:30\nholidays = 2026-10-01..2026-10-07, "
	    "2027-01-01\nsupervisors = 张主管、李主管\nmanager = 刘经理\n",
	    strlen("# office\noffice = XDZA\nhouseholds = 1200\n"
	    "duty_hours = 17:30-08:30\nholidays = 2026-10-01..2026-10-07, "
	    "2027-01-01\nsupervisors = 张主管、李主管\nmanager = 刘经理\n"));
	CHECK(conf_load(&c, tmpdir, &e) == 0, "conf: a full pm.conf loads");
	CHECK(strcmp(c.office, "XDZA") == 0 && c.households == 1200 &&
	    c.duty_start == 17 * 60 + 30 && c.duty_end == 8 * 60 + 30,
	    "conf: values read");
	clock_parse("2026-10-03", &t, NULL);
	CHECK(conf_is_holiday(&c, t + 3600), "conf: a day inside a holiday range");
	clock_parse("2026-10-08", &t, NULL);
	CHECK(!conf_is_holiday(&c, t), "conf: the day after is not a holiday");
	CHECK(conf_is_supervisor(&c, "李主管") && !conf_is_supervisor(&c, "王五"),
	    "conf: supervisors listed with 、");
	CHECK(conf_is_supervisor(&c, "刘经理") && conf_is_manager(&c, "刘经理") &&
	    !conf_is_manager(&c, "张主管"), "conf: the manager");
	conf_free(&c);
	write_file(path, "office = XDZA\ncolour = red\n", 26);
	CHECK(conf_load(&c, tmpdir, &e) != 0 && e.status == EX_CONFIG &&
	    strstr(e.msg, "pm.conf:2") && strstr(e.msg, "colour"),
	    "conf: unknown key names the line");
	conf_free(&c);
	write_file(path, "office = xd\n", 12);
	CHECK(conf_load(&c, tmpdir, &e) != 0 && strstr(e.msg, "pm.conf:1: office"),
	    "conf: bad office code refused");
	conf_free(&c);
	write_file(path, "duty_hours = 17:30\n", 19);
	CHECK(conf_load(&c, tmpdir, &e) != 0 && strstr(e.msg, "duty_hours"),
	    "conf: bad duty hours refused");
	conf_free(&c);
	write_file(path, "holidays = 2026-02-30\n", 22);
	CHECK(conf_load(&c, tmpdir, &e) != 0 && strstr(e.msg, "holidays"),
	    "conf: impossible holiday refused");
	conf_free(&c);
	write_file(path, "loan_days = -3\n", 15);
	CHECK(conf_load(&c, tmpdir, &e) != 0 && strstr(e.msg, "loan_days"),
	    "conf: negative loan days refused");
	conf_free(&c);
	CHECK(conf_load(&c, tmpdir, &e) != 0, "conf: errors are stable");
	conf_free(&c);
	unlink(path);
}

/* ---- ledger ------------------------------------------------------------- */

static const char *const book_cols[] = { "kind", "text", NULL };
static const struct ledger_def book = { "book", book_cols, 0640 };

struct collected {
	int n;
	char text[16][160];
	long seq[16];
};

static int
collect(const struct row *r, void *arg)
{
	struct collected *c = arg;

	if (c->n < 16) {
		snprintf(c->text[c->n], sizeof c->text[0], "%s", r->f[3]);
		c->seq[c->n] = row_seq(r);
	}
	c->n++;
	return 0;
}

static void
append(struct ledger *l, const char *kind, const char *text)
{
	struct ledger_tx *tx = ledger_begin(l, 1);
	const char *vals[] = { kind, text };

	ledger_add(tx, clock_now(), "tester", clock_now(), vals);
	ledger_commit(tx);
}

static void
test_ledger(void)
{
	struct collected c;
	struct ledger *l;
	struct ledger_tx *tx;
	struct pm_err e;
	struct stat st;
	char path[512], *s, *p;
	size_t n;
	long rows;
	int fd;

	l = ledger_open(&book, tmpdir);
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 0 && access(ledger_path(l), F_OK) != 0,
	    "ledger: reading a book not begun creates nothing");
	append(l, "a", "first");
	append(l, "b", "second, with \"quotes\"\nand a newline");
	append(l, "c", "第三");
	CHECK(stat(ledger_path(l), &st) == 0 && (st.st_mode & 0777) == 0640,
	    "ledger: created 0640");
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 3 && c.seq[2] == 3 && strcmp(c.text[2], "第三") == 0 &&
	    strcmp(c.text[1], "second, with \"quotes\"\nand a newline") == 0,
	    "ledger: scan returns the rows as written");
	CHECK(ledger_verify(l, &e, &rows) == 0 && rows == 3,
	    "ledger: verify clean");
	s = read_file(ledger_path(l), &n);
	CHECK(strncmp(s, "seq,at,kind,text,by,login,written_at,hash\n", 42) == 0,
	    "ledger: header names the common and form columns");

	/* A torn last row: never data, set aside by the next writer. */
	fd = open(ledger_path(l), O_WRONLY | O_APPEND);
	CHECK(write(fd, "4,2026-11-22 09:15:00,d,\"torn in a quo", 38) == 38,
	    "ledger: wrote a torn row");
	close(fd);
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 3, "ledger: a torn last row is not read as data");
	CHECK(ledger_verify(l, &e, &rows) == 0 && rows == 3,
	    "ledger: a torn last row is not damage");
	append(l, "d", "after the tear");
	snprintf(path, sizeof path, "%s/book.torn", tmpdir);
	free(s);
	s = read_file(path, NULL);
	CHECK(s != NULL && strstr(s, "torn in a quo") != NULL,
	    "ledger: the torn row is kept in a side file");
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 4 && c.seq[3] == 4 && strcmp(c.text[3], "after the tear")
	    == 0, "ledger: the next row takes the torn row's place");
	CHECK(ledger_verify(l, &e, NULL) == 0, "ledger: verify clean after repair");
	free(s);

	/* Text that looks like a row end must not confuse the tail. */
	append(l, "e", "x,0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef\nmore");
	append(l, "f", "plain");
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 6 && c.seq[5] == 6, "ledger: hash-like text in a field");

	/* A last row longer than the first look at the tail. */
	{
		char *huge = xmalloc(100 * 1024 + 1);

		memset(huge, 'y', 100 * 1024);
		huge[100 * 1024] = '\0';
		append(l, "h", huge);
		free(huge);
	}
	append(l, "i", "after the long row");
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 8 && c.seq[7] == 8 &&
	    strcmp(c.text[7], "after the long row") == 0,
	    "ledger: a last row of 100 KiB is found whole");

	/* Several rows: all or nothing. */
	tx = ledger_begin(l, 1);
	{
		const char *v1[] = { "g", "one" }, *v2[] = { "g", "two" };

		ledger_add(tx, clock_now(), "t", clock_now(), v1);
		ledger_add(tx, clock_now(), "t", clock_now(), v2);
	}
	ledger_rollback(tx);
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	snprintf(path, sizeof path, "%s/book.csv.tmp", tmpdir);
	CHECK(c.n == 8 && access(path, F_OK) != 0,
	    "ledger: a rolled-back batch leaves nothing");
	tx = ledger_begin(l, 1);
	{
		const char *v1[] = { "g", "one" }, *v2[] = { "g", "two" };

		ledger_add(tx, clock_now(), "t", clock_now(), v1);
		ledger_add(tx, clock_now(), "t", clock_now(), v2);
	}
	ledger_commit(tx);
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 10 && c.seq[9] == 10 && ledger_verify(l, &e, NULL) == 0,
	    "ledger: a committed batch is whole and chained");
	CHECK(stat(ledger_path(l), &st) == 0 && (st.st_mode & 0777) == 0640,
	    "ledger: a batch keeps the mode");

	/* Tampering. */
	s = read_file(ledger_path(l), &n);
	p = strstr(s, "第三");
	p[0] ^= 1;
	write_file(ledger_path(l), s, n);
	CHECK(ledger_verify(l, &e, NULL) != 0 && strstr(e.msg, "line 5") &&
	    strstr(e.msg, "row 3"), "ledger: a changed byte is found, naming the row");
	p[0] ^= 1;
	write_file(ledger_path(l), s, n);
	CHECK(ledger_verify(l, &e, NULL) == 0, "ledger: restored, clean again");
	free(s);

	/* Anchors catch rows cut off the end. */
	tx = ledger_begin(l, 1);
	ledger_anchor(tx, tmpdir, "review", "2026-11-21", clock_now(), "张主管");
	ledger_commit(tx);
	s = read_file(ledger_path(l), &n);
	p = s + n - 1;
	while (p > s && p[-1] != '\n')
		p--;
	write_file(ledger_path(l), s, p - s);
	CHECK(ledger_verify(l, &e, NULL) != 0 && strstr(e.msg, "row 9") &&
	    strstr(e.msg, "review"),
	    "ledger: rows cut off after a review are found");
	write_file(ledger_path(l), s, n);
	CHECK(ledger_verify(l, &e, NULL) == 0, "ledger: anchored and whole");
	free(s);
	ledger_close(l);
}

/* The unit test's form: kind "old" is a matter closed in October 2026. */
static long
closed_in_october(const struct ledger *l, const struct row *r, void *arg)
{
	(void)l;
	(void)arg;
	return strcmp(r->f[2], "old") == 0 ? 2026L * 12 + 9 : -1;
}

static void
count_volume(const char *ledger, const char *volume, long rows, void *arg)
{
	(void)ledger;
	(void)volume;
	*(long *)arg += rows;
}

static const struct ledger_def book_one = { "one", book_cols, 0640 };
static const struct ledger_def book_two = { "two", book_cols, 0640 };

static int
scan_count(struct ledger *l)
{
	struct collected c;

	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	return c.n;
}

static int
exists_in(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Two books committed as one: both or neither, a cut-off commit finished. */
static void
test_group(void)
{
	char dir[400], path[512];
	const char *vals[] = { "g", "row" };
	struct ledger *a, *b;
	struct ledger_tx *tx[2];
	struct pm_err e;
	long rows;
	pid_t pid;
	int status = 0, fd;

	snprintf(dir, sizeof dir, "%s/group", tmpdir);
	mkdir(dir, 0750);
	a = ledger_open(&book_one, dir);
	b = ledger_open(&book_two, dir);
	tx[0] = ledger_begin(a, 1);
	tx[1] = ledger_begin(b, 1);
	ledger_add(tx[0], clock_now(), "tester", clock_now(), vals);
	ledger_add(tx[0], clock_now(), "tester", clock_now(), vals);
	ledger_add(tx[1], clock_now(), "tester", clock_now(), vals);
	ledger_commit_group(tx, 2);
	CHECK(scan_count(a) == 2 && scan_count(b) == 1,
	    "group: both books written");
	CHECK(!exists_in(dir, "commit.journal") && !exists_in(dir,
	    "one.csv.group") && !exists_in(dir, "two.csv.group") &&
	    !exists_in(dir, "one.csv.tmp"), "group: nothing left beside them");

	tx[0] = ledger_begin(a, 1);
	tx[1] = ledger_begin(b, 1);
	ledger_add(tx[1], clock_now(), "tester", clock_now(), vals);
	ledger_commit_group(tx, 2);
	CHECK(scan_count(a) == 2 && scan_count(b) == 2 &&
	    !exists_in(dir, "commit.journal"),
	    "group: one book with rows is an ordinary commit");

	/* killed after the first rename: the other book's next writer finishes */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setenv("PM_TEST_CRASH", "group-mid-rename", 1);
		tx[0] = ledger_begin(a, 1);
		tx[1] = ledger_begin(b, 1);
		ledger_add(tx[0], clock_now(), "tester", clock_now(), vals);
		ledger_add(tx[1], clock_now(), "tester", clock_now(), vals);
		ledger_add(tx[1], clock_now(), "tester", clock_now(), vals);
		ledger_commit_group(tx, 2);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && scan_count(a) == 3 && scan_count(b) == 2
	    && exists_in(dir, "commit.journal") && exists_in(dir,
	    "two.csv.group"), "group: a kill between the renames is seen");
	ledger_rollback(ledger_begin(b, 1));
	CHECK(scan_count(b) == 4 && !exists_in(dir, "commit.journal") &&
	    !exists_in(dir, "two.csv.group"),
	    "group: the next writer of the other book finishes the commit");
	CHECK(ledger_verify(a, &e, &rows) == 0 && rows == 3 &&
	    ledger_verify(b, &e, &rows) == 0 && rows == 4,
	    "group: both chains verify after the finished commit");

	/* a staged copy without a journal died before the commit point */
	snprintf(path, sizeof path, "%s/one.csv.group", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	CHECK(fd >= 0 && write(fd, "not a book\n", 11) == 11,
	    "group: planted a staged copy");
	close(fd);
	ledger_rollback(ledger_begin(a, 1));
	CHECK(!exists_in(dir, "one.csv.group") && scan_count(a) == 3,
	    "group: a staged copy without its journal is swept, never used");
	ledger_close(a);
	ledger_close(b);
}

static void
test_volumes(void)
{
	static const struct ledger_def vbook = { "vbook", book_cols, 0640 };
	struct collected c;
	struct ledger *l;
	struct pm_err e;
	char path[512], *s, line[256];
	long moved = 0, reported = 0;
	size_t n;
	gzFile gz;
	int rc;

	l = ledger_open(&vbook, tmpdir);
	append(l, "old", "a");
	append(l, "new", "b");
	append(l, "old", "c");
	append(l, "new", "d");
	append(l, "old", "e");	/* the last row leaves the live book */
	moved = ledger_archive(ledger_begin(l, 1), 2026L * 12 + 10,
	    closed_in_october, NULL, 1, count_volume, &reported, clock_now(),
	    "tester");
	CHECK(moved == 3 && reported == 3, "archive: --dry-run counts 3 rows");
	s = read_file(ledger_path(l), &n);
	CHECK(strstr(s, ",a,") != NULL, "archive: --dry-run writes nothing");
	free(s);
	reported = 0;
	moved = ledger_archive(ledger_begin(l, 1), 2026L * 12 + 10,
	    closed_in_october, NULL, 0, count_volume, &reported, clock_now(),
	    "tester");
	CHECK(moved == 3, "archive: three closed rows move");
	s = read_file(ledger_path(l), &n);
	CHECK(strstr(s, ",a,") == NULL && strstr(s, ",b,") != NULL &&
	    strstr(s, ",d,") != NULL, "archive: the live book keeps the open");
	free(s);
	snprintf(path, sizeof path,
	    "%s/archive/vbook/2026/vbook-2026-10.csv.gz", tmpdir);
	gz = gzopen(path, "rb");
	CHECK(gz != NULL && gzgets(gz, line, sizeof line) != NULL &&
	    strncmp(line, "seq,at,kind,text,", 17) == 0,
	    "archive: the volume is gzip with the header first");
	if (gz)
		gzclose(gz);
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 5 && c.seq[0] == 1 && c.seq[4] == 5 &&
	    strcmp(c.text[0], "a") == 0 && strcmp(c.text[1], "b") == 0 &&
	    strcmp(c.text[4], "e") == 0,
	    "archive: volumes and the live book read as one, in row order");
	memset(&c, 0, sizeof c);
	ledger_scan_live(l, collect, &c);
	CHECK(c.n == 2, "archive: the live book alone holds the open matters");
	memset(&c, 0, sizeof c);
	ledger_scan_since(l, 2026, 11, collect, &c);
	CHECK(c.n == 2, "archive: a scan since November skips October's volume");
	append(l, "new", "f");
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 6 && c.seq[5] == 6,
	    "archive: seq continues after an archived last row");
	CHECK(ledger_verify(l, &e, NULL) == 0,
	    "archive: verify walks volumes and live as one chain");
	append(l, "old", "g");
	append(l, "new", "h");
	moved = ledger_archive(ledger_begin(l, 1), 2026L * 12 + 10,
	    closed_in_october, NULL, 0, NULL, NULL, clock_now(), "tester");
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(moved == 1 && c.n == 8 && strcmp(c.text[6], "g") == 0,
	    "archive: a second archive adds to the month's volume");
	CHECK(ledger_verify(l, &e, NULL) == 0, "archive: verify after two");
	/* a volume changed after archiving */
	s = read_file(path, &n);
	gz = gzopen(path, "wb");
	gzwrite(gz, "seq\n", 4);
	gzclose(gz);
	CHECK(ledger_verify(l, &e, NULL) != 0 && strstr(e.msg, "SHA-256"),
	    "archive: a changed volume is found by its manifest");
	write_file(path, s, n);
	CHECK(ledger_verify(l, &e, NULL) == 0, "archive: restored volume");
	unlink(path);
	CHECK(ledger_verify(l, &e, NULL) != 0 && strstr(e.msg, "missing"),
	    "archive: a removed volume is missing unless purged");
	write_file(path, s, n);
	free(s);
	CHECK(ledger_purge(l, path, "test", 1, clock_now(), "tester", &e) == 0 &&
	    access(path, F_OK) != 0, "purge: the volume is removed");
	rc = ledger_verify(l, &e, NULL);
	CHECK(rc == 0, "purge: verify carries the chain over the purged rows");
	if (rc != 0)
		printf("# %s\n", e.msg);
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 4, "purge: the purged rows are gone, the rest stay");
	ledger_close(l);
}

/* ---- import ------------------------------------------------------------- */

static int
import_all(const char *path, const char *enc, char rows[][4][64], long *lines,
    int max, struct pm_err *e)
{
	struct import_src *src = import_open(path, enc, e);
	struct row r;
	int n = 0, rc, i;

	if (src == NULL)
		return -1;
	while ((rc = import_next(src, &r, e)) == 1) {
		if (n < max) {
			for (i = 0; i < 4; i++)
				snprintf(rows[n][i], 64, "%s", i < r.n ? r.f[i] : "");
			lines[n] = r.line;
		}
		n++;
	}
	import_close(src);
	return rc < 0 ? -1 : n;
}

static void
test_import(void)
{
	char path[512], rows[8][4][64];
	long lines[8];
	struct pm_err e;
	const char *utf = "\xef\xbb\xbf" "at,kind,text\r\n"
	    "2026-11-01 08:00,inquiry,\"多行\r\n文本, 含逗号\"\r\n"
	    "2026-11-02 09:00,help,\"说 \"\"你好\"\"\"\r\n";
	char gb[256], *ip, *op;
	size_t il, ol;
	iconv_t cd;
	int n;

	snprintf(path, sizeof path, "%s/in.csv", tmpdir);
	write_file(path, utf, strlen(utf));
	n = import_all(path, NULL, rows, lines, 8, &e);
	CHECK(n == 3 && strcmp(rows[0][0], "at") == 0,
	    "import: BOM stripped from the header");
	CHECK(n == 3 && strcmp(rows[1][2], "多行\n文本, 含逗号") == 0,
	    "import: quoted CRLF newline and comma kept as one newline");
	CHECK(n == 3 && strcmp(rows[2][2], "说 \"你好\"") == 0,
	    "import: doubled quotes");
	CHECK(n == 3 && lines[1] == 2 && lines[2] == 4,
	    "import: records know the line they begin on");

	cd = iconv_open("GB18030", "UTF-8");
	ip = (char *)utf + 3;
	il = strlen(utf) - 3;
	op = gb;
	ol = sizeof gb;
	iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	write_file(path, gb, op - gb);
	n = import_all(path, NULL, rows, lines, 8, &e);
	CHECK(n == 3 && strcmp(rows[1][2], "多行\n文本, 含逗号") == 0,
	    "import: GB18030 detected and converted");
	n = import_all(path, "gbk", rows, lines, 8, &e);
	CHECK(n == 3 && strcmp(rows[2][2], "说 \"你好\"") == 0,
	    "import: --encoding gbk");
	n = import_all(path, "latin9", rows, lines, 8, &e);
	CHECK(n < 0 && e.status == EX_USAGE, "import: unknown encoding refused");

	write_file(path, "a,b\n1,\"open\n2,3\n", 17);
	n = import_all(path, NULL, rows, lines, 8, &e);
	CHECK(n < 0 && e.status == EX_DATAERR && strstr(e.msg, "quote"),
	    "import: unbalanced quotes refused");
	write_file(path, "a,b\n1,x\"y\n", 10);
	n = import_all(path, NULL, rows, lines, 8, &e);
	CHECK(n < 0 && strstr(e.msg, "line 2"), "import: stray quote names the line");
	write_file(path, "a,b\n1,2", 7);
	n = import_all(path, NULL, rows, lines, 8, &e);
	CHECK(n == 2 && strcmp(rows[1][1], "2") == 0,
	    "import: a last line without newline is read");
	write_file(path, "a,b\n1,x\0y\n", 10);
	{
		struct import_src *src = import_open(path, NULL, &e);
		struct row r;

		import_next(src, &r, &e);
		CHECK(import_next(src, &r, &e) == 1 && r.len[1] == 3 &&
		    field_text(&e, "b", r.f[1], r.len[1], 10) != 0,
		    "import: a NUL byte is seen by validation");
		import_close(src);
	}
	write_file(path, "to_staff,unit,extra\n1,2,3\n", 25);
	{
		static const char *const names[] = { "unit", "from|from_staff",
			"to|to_staff", NULL };
		struct import_src *src = import_open(path, NULL, &e);
		int col[3];

		CHECK(import_header(src, names, col, path, &e) == 0 &&
		    col[0] == 1 && col[1] == -1 && col[2] == 0,
		    "import: header columns found by name and alias");
		import_close(src);
	}
	write_file(path, "", 0);
	{
		static const char *const names[] = { "unit", NULL };
		struct import_src *src = import_open(path, NULL, &e);
		int col[1];

		CHECK(import_header(src, names, col, path, &e) != 0 &&
		    strstr(e.msg, "empty"), "import: an empty file has no header");
		import_close(src);
	}
	snprintf(path, sizeof path, "%s/none.csv", tmpdir);
	CHECK(import_open(path, NULL, &e) == NULL && e.status == EX_NOINPUT,
	    "import: missing file is exit 66");
}

/* An office of its own under tmpdir/sub for a form's API: ctx on dir. */
static void
office_ctx(struct pm_ctx *ctx, char dir[300], const char *sub)
{
	struct pm_err e;

	memset(ctx, 0, sizeof *ctx);
	snprintf(dir, 300, "%s/%s", tmpdir, sub);
	mkdir(dir, 0750);
	ctx->data = dir;
	ctx->user = "tester";
	conf_load(&ctx->conf, dir, &e);
}

/* ---- the owner summary of the 5th (forms, through their own API) --------- */

static void
test_owner_summary(void)
{
	struct pm_ctx ctx;
	struct owner_in in;
	struct owner_summary sum;
	struct key_book kb;
	struct key_event ev;
	struct pm_err e;
	char dir[300], id[32];

	office_ctx(&ctx, dir, "office");
	clock_parse("2026-10-20 09:00", &ctx.now, NULL);
	memset(&in, 0, sizeof in);
	in.unit = "0010100001";
	in.name = "甲";
	in.phone = "13800000001";
	in.id_no = "11010519491231002X";
	in.handover = "2026-10-01";
	CHECK(owner_add(&ctx, &in, id, &e) == 0, "owner: a complete record");
	clock_parse("2026-11-03 09:00", &ctx.now, NULL);
	memset(&in, 0, sizeof in);
	in.unit = "0010100002";
	in.name = "乙";
	CHECK(owner_add(&ctx, &in, id, &e) == 0, "owner: an incomplete record");
	CHECK(owner_unit_check(&ctx, "--unit", "0010100002", &e) == 0 &&
	    owner_unit_check(&ctx, "--unit", "0010100003", &e) != 0 &&
	    strstr(e.msg, "not in the owner archive"),
	    "owner: a unit is checked against the units added");
	in.unit = "0010100003";
	in.name = "丙";
	CHECK(owner_add(&ctx, &in, id, &e) == 0, "owner: another");
	CHECK(owner_unit_check(&ctx, "--unit", "0010100003", &e) == 0,
	    "owner: a unit added since the last check is found");
	CHECK(owner_change(&ctx, "0010100001", "phone", "13800000009", "经理",
	    id, &e) == 0, "owner: a change");
	clock_parse("2026-12-02 09:00", &ctx.now, NULL);
	in.unit = "0010100004";
	in.name = "丁";
	owner_add(&ctx, &in, id, &e);
	memset(&ev, 0, sizeof ev);
	ev.event = "receive";
	ev.unit = "0010100001";
	ev.count = "2";
	ev.from = "李工";
	key_record(&ctx, &ev, id, &e);
	ev.event = "issue";
	ev.to = "甲";
	ev.id_doc = "身份证";
	CHECK(key_record(&ctx, &ev, id, &e) == 0, "owner: keys handed to one");
	key_read(&ctx, NULL, &kb, &e);
	CHECK(owner_summarize(&ctx, "2026-11", key_unit_issued, &kb, &sum, &e)
	    == 0, "owner: summary of November");
	CHECK(sum.records == 3 && sum.added == 2 && sum.changed == 1,
	    "owner: records, added and changed in the month");
	CHECK(sum.incomplete == 2, "owner: incomplete records counted");
	CHECK(sum.no_keys == 2, "owner: owners not yet handed keys");
	CHECK(owner_summarize(&ctx, "2026-13", NULL, NULL, &sum, &e) != 0,
	    "owner: a bad month refused");
	key_book_free(&kb);
	conf_free(&ctx.conf);
}

/* ---- a day of the duty log, read from the rows' bytes or split ----------- */

static unsigned
lcg(unsigned *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 16;
}

/*
 * A duty log of random rows: entries, corrections and finishings of
 * rows before them, handovers; texts and names with commas, quotes,
 * line breaks and more than 32 bytes.  at is up to three days before
 * written_at, as a backdated entry is.
 */
static void
random_duty_log(struct ledger *l, unsigned seed, int n)
{
	static const char *const kinds[] = { "inquiry", "help", "incident",
		"report", "other" };
	static const char *const texts[] = { "业主来电咨询物业费", "a,b",
		"say \"hi\"", "two\nlines", "", "x,\"y\",z",
		"一二三四五六七八九十一二三四五六七八九十" };
	static const char *const names[] = { "文员1", "王,五", "a\"b", "x",
		"一二三四五六七八九十一二三四五", "李四" };
	struct ledger_tx *tx = ledger_begin(l, 1);
	time_t start, wt;
	char id[32];
	int i;

	clock_parse("2026-10-01 00:00", &start, NULL);
	for (i = 1; i <= n; i++) {
		const char *v[10] = { 0 };
		unsigned r = lcg(&seed) % 100;
		long back = (long)(lcg(&seed) % (3 * 86400));

		wt = start + (time_t)i * 300;
		v[0] = kinds[lcg(&seed) % 5];
		v[1] = texts[lcg(&seed) % 7];
		snprintf(id, sizeof id, "L%06u", 1 + lcg(&seed) % (unsigned)i);
		if (r < 10)
			v[2] = id;				/* corrects */
		else if (r < 15) {
			strcat(id, "/1");
			v[3] = id;				/* done */
		} else if (r < 25) {
			v[0] = "handover";
			v[4] = names[lcg(&seed) % 6];
			v[5] = names[lcg(&seed) % 6];
			v[6] = "对讲机=2";
			v[7] = r < 20 ? "回访302" : "";
		}
		ledger_add(tx, wt - back > start ? wt - back : start,
		    names[lcg(&seed) % 6], wt, v);
	}
	ledger_commit(tx);
}

static int
entries_same(const struct duty_entries *a, const struct duty_entries *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].id, b->v[i].id) != 0 ||
		    strcmp(a->v[i].at, b->v[i].at) != 0 ||
		    strcmp(a->v[i].kind, b->v[i].kind) != 0 ||
		    strcmp(a->v[i].text, b->v[i].text) != 0 ||
		    strcmp(a->v[i].by, b->v[i].by) != 0 ||
		    strcmp(DUTY_NOTE(&a->v[i]), DUTY_NOTE(&b->v[i])) != 0)
			return 0;
	return 1;
}

/*
 * A day's reader passes most rows over from their bytes (their at, and
 * their tail read back from the end); every row split instead, the same
 * entries, corrections and notes come out, day by day.
 */
static void
test_duty_day_bytes(void)
{
	struct duty_entries fast, split;
	struct pm_ctx ctx;
	struct ledger *l;
	struct pm_err e;
	char dir[300], day[11];
	int d, ok = 1, rows = 0;

	office_ctx(&ctx, dir, "dutybytes");
	clock_parse("2026-10-20 09:00", &ctx.now, NULL);
	l = ledger_open(&duty_log_def, dir);
	random_duty_log(l, 99, 3000);
	ledger_close(l);
	for (d = 1; d <= 12; d++) {
		snprintf(day, sizeof day, "2026-10-%02d", d);
		ok &= duty_show(&ctx, day, &fast, &e) == 0;
		ledger_want_ignore(1);
		ok &= duty_show(&ctx, day, &split, &e) == 0;
		ledger_want_ignore(0);
		ok &= entries_same(&fast, &split);
		rows += (int)fast.n;
		duty_entries_free(&fast);
		duty_entries_free(&split);
	}
	CHECK(ok && rows > 2000, "duty: 12 days of a random log of 3,000 rows "
	    "(corrections, handovers, quoted and long names) read alike from "
	    "their bytes and split");
	conf_free(&ctx.conf);
}

/* ---- the complaint statistics of the month, against a hand count ------------ */

static void
stats_add(struct pm_ctx *ctx, const char *when, const char *imp,
    const char *cat, const char *kind, char *code)
{
	struct complaint_in in;
	struct pm_err e;

	memset(&in, 0, sizeof in);
	in.kind = kind;
	in.unit = "0010100001";
	in.name = "某";
	in.text = "事由";
	in.importance = imp;
	in.category = cat;
	clock_parse(when, &ctx->now, NULL);
	if (complaint_add(ctx, &in, code, &e) != 0)
		printf("# %s\n", e.msg);
}

static void
stats_step(struct pm_ctx *ctx, const char *when, const char *step,
    const char *code, const char *valid)
{
	struct complaint_step s;
	struct pm_err e;
	char id[16];

	memset(&s, 0, sizeof s);
	s.step = step;
	s.code = code;
	s.text = "已处理";
	s.valid = valid;
	clock_parse(when, &ctx->now, NULL);
	if (complaint_record(ctx, &s, id, &e) != 0)
		printf("# %s\n", e.msg);
}

static void
test_complaint_stats(void)
{
	struct pm_ctx ctx;
	struct complaint_stats st;
	struct pm_err e;
	char dir[300], a[32], b[32], c[32], old[32], r[32], late[32];

	office_ctx(&ctx, dir, "stats");
	ctx.conf.households = 10;
	/* October: one complaint still open at the end of November */
	stats_add(&ctx, "2026-10-20 09:00", "B", "GC", "complaint", old);
	/* November: A, B, C and a request */
	stats_add(&ctx, "2026-11-02 09:00", "A", "GC", "complaint", a);
	stats_add(&ctx, "2026-11-03 09:00", "B", "BJ", "complaint", b);
	stats_add(&ctx, "2026-11-04 09:00", "C", "BJ", "complaint", c);
	stats_add(&ctx, "2026-11-05 09:00", "B", "KF", "complaint", late);
	stats_add(&ctx, "2026-11-05 10:00", NULL, NULL, "request", r);
	/* handled in November: b on time (3 days), late (after 3 days) */
	stats_step(&ctx, "2026-11-05 08:00", "resolve", b, NULL);
	stats_step(&ctx, "2026-11-06 08:00", "review", b, "yes");
	stats_step(&ctx, "2026-11-10 08:00", "resolve", late, NULL);
	stats_step(&ctx, "2026-11-11 08:00", "review", late, "no");
	/* a handled in December: not counted in November's rates */
	stats_step(&ctx, "2026-12-01 08:00", "resolve", a, NULL);
	clock_parse("2026-12-05 09:00", &ctx.now, NULL);
	CHECK(complaint_stats(&ctx, "2026-11", &st, &e) == 0,
	    "complaint stats: November computed");
	CHECK(st.total == 4 && st.requests == 1, "complaint stats: 4 complaints, "
	    "1 request registered in November");
	CHECK(st.by_importance[0] == 1 && st.by_importance[1] == 2 &&
	    st.by_importance[2] == 1, "complaint stats: by importance A1 B2 C1");
	CHECK(st.by_category[2] == 1 && st.by_category[3] == 2 &&
	    st.by_category[0] == 1, "complaint stats: by problem code");
	CHECK(st.handled == 2 && st.timely == 1 && st.timely_rate == 0.5,
	    "complaint stats: timely-handling rate 1 of 2");
	CHECK(st.reviewed == 2 && st.valid == 1 && st.valid_rate == 0.5,
	    "complaint stats: valid-complaint rate 1 of 2");
	CHECK(st.complaint_rate == 0.4, "complaint stats: 4 complaints / 10 "
	    "households");
	/* open at the end of November: old, a, c (b and late were handled) */
	CHECK(st.open_carried == 3, "complaint stats: 3 open items carried over");
	conf_free(&ctx.conf);
}

/* ---- scanner: the fast path against libcsv itself ------------------------ */

/* Rows as "n|len:bytes|len:bytes...\n", the same for both readers. */
static void
serial_row(struct buf *b, char *const *f, const size_t *len, int n)
{
	int i;

	buf_addf(b, "%d", n);
	for (i = 0; i < n && i < LEDGER_COLS_MAX; i++) {
		buf_addf(b, "|%zu:", len[i]);
		buf_add(b, f[i], len[i]);
	}
	buf_add(b, "\n", 1);
}

struct ref {
	struct buf out, field;
	char *f[LEDGER_COLS_MAX];
	size_t len[LEDGER_COLS_MAX], off[LEDGER_COLS_MAX];
	int n, at_eof;
};

static void
ref_field(void *s, size_t len, void *data)
{
	struct ref *r = data;

	if (r->n < LEDGER_COLS_MAX) {
		r->off[r->n] = r->field.len;
		r->len[r->n] = len;
	}
	buf_add(&r->field, s ? s : "", s ? len : 0);
	r->n++;
}

static void
ref_row(int c, void *data)
{
	struct ref *r = data;
	int i;

	(void)c;
	/* a row libcsv finishes only at the end of the file is torn */
	if (!r->at_eof) {
		for (i = 0; i < r->n && i < LEDGER_COLS_MAX; i++)
			r->f[i] = r->field.s + r->off[i];
		serial_row(&r->out, r->f, r->len, r->n);
	}
	r->n = 0;
	buf_reset(&r->field);
}

/* libcsv over the whole file, strict, as the reader before the scanner */
static int
ref_read(const char *s, size_t n, struct buf *out)
{
	struct csv_parser p;
	struct ref r;
	int ok;

	memset(&r, 0, sizeof r);
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_space_func(&p, libcsv_no_space);
	ok = csv_parse(&p, s, n, ref_field, ref_row, &r) == n;
	r.at_eof = 1;
	if (ok)
		csv_fini(&p, ref_field, ref_row, &r);
	csv_free(&p);
	buf_free(&r.field);
	*out = r.out;
	return ok ? 0 : -1;
}

static int
fast_read(const char *path, struct buf *out)
{
	struct cursor c;
	struct pm_err e;
	int rc;

	memset(out, 0, sizeof *out);
	rc = cursor_open(&c, NULL, path, 0, -1, 0, &e);
	while (rc == 0 && c.seq >= 0) {
		serial_row(out, c.row.f, c.row.len, c.row.n);
		rc = cursor_next(&c);
	}
	cursor_close(&c);
	return rc;
}

static int
same_reading(const char *path, const char *s, size_t n)
{
	struct buf a, b;
	int ra, rb, same;

	write_file(path, s, n);
	ra = ref_read(s, n, &a);
	rb = fast_read(path, &b);
	same = ra == rb && (ra != 0 || (a.len == b.len &&
	    (a.len == 0 || memcmp(a.s, b.s, a.len) == 0)));
	if (!same)
		printf("#   %s: libcsv %d, scanner %d\n#   libcsv:  %.300s\n"
		    "#   scanner: %.300s\n", path, ra, rb, a.s ? a.s : "",
		    b.s ? b.s : "");
	buf_free(&a);
	buf_free(&b);
	return same;
}

/* The tricky-CSV corpus of tests/corpus, by name. */
static const char *const tricky_corpus[] = { "blank-lines", "bom-crlf",
	"control-char", "crlf", "embedded-commas", "embedded-newline",
	"embedded-quotes", "empty-by", "empty-file", "formula", "header-only",
	"no-final-newline", "reordered-extra-columns", "stray-quote",
	"surplus-field", "unbalanced-quote", "empty-text", "empty-kind",
	"long-field-2000", "long-field-2001", "nul-byte", "impossible-date",
	"gbk", "invalid-utf8", "huge-field", NULL };

/* A book of random fields, CSV-encoded as the writer does, some quoted more */
static void
random_book(struct buf *b, unsigned seed, int rows)
{
	static const char *const bits[] = { "a", "b", ",", "\"", "\n", "\r",
		"中文", " ", "\"\"", "x,y", "",
		/* 61 bytes: fields and quotes across the splitter's 64 */
		"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" };
	struct buf f = { 0 };
	int i, j, k, nf;

	srand(seed);
	buf_adds(b, "seq,at,text,by\n");
	for (i = 1; i <= rows; i++) {
		nf = 1 + rand() % 6;
		for (j = 0; j < nf; j++) {
			buf_reset(&f);
			for (k = rand() % 5; k > 0; k--)
				buf_adds(&f, bits[rand() % 12]);
			if (j > 0)
				buf_add(b, ",", 1);
			if (rand() % 4 == 0 && f.len > 0 && !memchr(f.s, '"',
			    f.len)) {
				buf_add(b, "\"", 1);	/* quoted though plain */
				buf_add(b, f.s, f.len);
				buf_add(b, "\"", 1);
			} else
				csv_field(b, f.s ? f.s : "", f.len);
		}
		buf_adds(b, rand() % 10 == 0 ? "\r\n" : "\n");
	}
	buf_free(&f);
}

/* verify hashes the bytes as written: a field quoted afresh is a change */
static void
test_raw_verify(void)
{
	char dir[512], *s, *at;
	struct ledger *l;
	struct pm_err e;
	size_t n;
	long rows;

	snprintf(dir, sizeof dir, "%s/raw", tmpdir);
	mkdir(dir, 0750);
	l = ledger_open(&book, dir);
	append(l, "a", "plain");
	append(l, "b", "with, comma");
	CHECK(ledger_verify(l, &e, &rows) == 0 && rows == 2,
	    "verify: a book as written is clean");
	s = read_file(ledger_path(l), &n);
	at = strstr(s, ",plain,");
	CHECK(at != NULL, "verify: the plain field is unquoted in the book");
	if (at != NULL) {
		struct buf b = { 0 };

		buf_add(&b, s, at - s + 1);
		buf_adds(&b, "\"plain\"");
		buf_adds(&b, at + 6);
		write_file(ledger_path(l), b.s, b.len);
		buf_free(&b);
		CHECK(ledger_verify(l, &e, &rows) != 0 &&
		    strstr(e.msg, "row 1 does not match") != NULL,
		    "verify: the same text quoted afresh is a changed row");
	}
	free(s);
	ledger_close(l);
}

/* A reader that wants only the rows saying "K keep" (ledger_want). */
static int
want_keep(const char *raw, size_t len, void *arg)
{
	(void)arg;
	return memmem(raw, len, "K keep", 6) != NULL;
}

/*
 * Rows passed over unsplit: only whole rows on their line, so a row
 * written over several lines (a line break in a quoted field) is always
 * read and split, and the rows after it stay rows.
 */
static void
want_read(const char *sub)
{
	static const char *const texts[] = { "plain", "a,b", "say \"hi\"",
		"two\nlines", "K keep", "x", "three\nline \"\"\nrow",
		"\"q\", K keep", "tail",
		/* past 64 bytes: a row's end and its quotes in later blocks */
		"a line of more than sixty-four bytes, so that its break comes "
		"after the first block of the scan,\nthen its second line",
		"\"quoted\" at first, then more than sixty-four bytes of words, "
		"and no break at all in it" };
	static const struct ledger_def wbook = { "wbook", book_cols, 0640 };
	struct collected c;
	struct ledger *l;
	char dir[600];
	size_t i;

	snprintf(dir, sizeof dir, "%s/%s", tmpdir, sub);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		perror(dir);
	l = ledger_open(&wbook, dir);

	CHECK(ledger_row_holds("7,a,XDZA-B-GC-000001,x", 22, "XDZA-B-GC-000001")
	    && !ledger_row_holds("7,a,XDZA-B-GC-000001,x", 12, "XDZA-B-GC-000001")
	    && !ledger_row_holds("7,a,XDZA-B-GC-00000,x", 21, "XDZA-B-GC-000001"),
	    "want: a row holds a code within its bytes, whole, or not");
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		append(l, "note", texts[i]);
	memset(&c, 0, sizeof c);
	ledger_want(l, want_keep, NULL);
	ledger_scan(l, collect, &c);
	ledger_want(l, NULL, NULL);
	CHECK(c.n == 5 && strcmp(c.text[0], texts[3]) == 0 &&
	    strcmp(c.text[1], texts[4]) == 0 && strcmp(c.text[2], texts[6]) == 0
	    && strcmp(c.text[3], texts[7]) == 0 && c.seq[0] == 4 &&
	    c.seq[1] == 5 && c.seq[2] == 7 && c.seq[3] == 8 &&
	    strcmp(c.text[4], texts[9]) == 0 && c.seq[4] == 10,
	    "want: rows on several lines always read, the wanted ones, none else");
	memset(&c, 0, sizeof c);
	ledger_scan(l, collect, &c);
	CHECK(c.n == 11 && strcmp(c.text[8], "tail") == 0 &&
	    strcmp(c.text[10], texts[10]) == 0,
	    "want: cleared, every row again");
	ledger_close(l);
}

static void
test_want(void)
{
	want_read("want");
}

/* 20 random books from seed on, whole and cut (a torn tail), read alike. */
static int
random_books_read(unsigned seed, size_t cut)
{
	char path[512];
	struct buf b = { 0 };
	int ok = 1, k;

	snprintf(path, sizeof path, "%s/scan-random.csv", tmpdir);
	for (k = 0; k < 20; k++) {
		buf_reset(&b);
		random_book(&b, seed + k, 400);
		ok &= same_reading(path, b.s, b.len);
		ok &= same_reading(path, b.s, b.len - (size_t)k * cut % b.len);
	}
	buf_free(&b);
	return ok;
}

static void
test_scanner(void)
{
	static const char *const cases[] = {
		"a,b\n1,2\n",
		"a,b\n\"1,5\",2\n3,\"x\"\n",
		"a,b\n\"say \"\"hi\"\"\",2\n",
		"a,b\n\"two\nlines\",2\n",
		"a,b\r\n1,2\r\n",
		"a,b\n1,2\n3,\"torn",
		"a,b\n1,2\n3,4",
		"a,b\n\n\n1,2\n",
		"a,b\n1,\n,\n,,\n",
		"a,b\n1,b\"c\n",
		"a,b\n\"1\"x,2\n",
		"a,b\n1\r2,3\n",
		"a,b\n\"\",\"\"\n",
		"a\n\"\n\"\n",
		"a,b\n1\"2\",3\n",
		"a,b\nx,1\"2\"\n",
	};
	char path[512], name[64];
	struct buf b = { 0 };
	size_t i, n;
	int ok = 1;
	char *s;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(path, sizeof path, "%s/scan-%zu.csv", tmpdir, i);
		ok &= same_reading(path, cases[i], strlen(cases[i]));
	}
	CHECK(ok, "scanner: the tricky rows read as libcsv reads them");
	CHECK(random_books_read(1000, 37), "scanner: 20 random books (seeded), "
	    "whole and torn, read as libcsv reads them");
	buf_reset(&b);
	buf_adds(&b, "a,b\n1,\"");
	for (i = 0; i < 1024 * 1024; i++)
		buf_add(&b, i % 1000 == 999 ? "\n" : "x", 1);
	buf_adds(&b, "\"\n2,");
	for (i = 0; i < 1024 * 1024; i++)
		buf_add(&b, "y", 1);
	buf_adds(&b, "\n3,z\n");
	snprintf(path, sizeof path, "%s/scan-long.csv", tmpdir);
	CHECK(same_reading(path, b.s, b.len), "scanner: rows of 1 MiB (quoted "
	    "with newlines, and plain) read as libcsv reads them");
	ok = 1;
	snprintf(path, sizeof path, "%s/../../corpus", tmpdir);
	for (i = 0; tricky_corpus[i] != NULL; i++) {
		snprintf(name, sizeof name, "tests/corpus/%s.csv",
		    tricky_corpus[i]);
		s = read_file(name, &n);
		if (s == NULL) {
			printf("#   missing %s\n", name);
			ok = 0;
			continue;
		}
		snprintf(path, sizeof path, "%s/scan-corpus.csv", tmpdir);
		ok &= same_reading(path, s, n);
		free(s);
	}
	CHECK(ok, "scanner: the tricky-CSV corpus reads as libcsv reads it");
	buf_free(&b);
	test_raw_verify();
}

/* The file s read by import alike, lines split here or all by libcsv. */
static int
same_import(const char *path, const char *s, size_t n)
{
	struct buf a = { 0 }, b = { 0 };
	FILE *fp = fopen(path, "wb");
	int same;

	if (fp == NULL || fwrite(s, 1, n, fp) != n || fclose(fp) != 0)
		return 0;
	import_dump(path, 1, NULL, &a);
	import_dump(path, 0, NULL, &b);
	same = a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
	if (!same)
		printf("#   %s: split here\n%s#   libcsv\n%s", path, a.s, b.s);
	buf_free(&a);
	buf_free(&b);
	return same;
}

/* Lines of random pieces, quotes and all, most of them not valid CSV. */
static void
random_import(struct buf *b, unsigned seed, int lines)
{
	static const char *const bits[] = { "a", ",", "\"", "\r", "中文", " ",
		"\"\"", "x,y", "\",\"", "\"z\"", "\n" };
	int i, k;

	srand(seed);
	buf_reset(b);
	buf_adds(b, "a,b,c\n");
	for (i = 0; i < lines; i++) {
		for (k = rand() % 7; k > 0; k--)
			buf_adds(b, bits[rand() % 11]);
		buf_adds(b, rand() % 8 == 0 ? "\r\n" : "\n");
	}
}

static void
test_import_split(void)
{
	static const char *const cases[] = {
		"a,b\n1,2\n", "a,b\n\"1,5\",2\n3,\"x\"\n", "a,b\n\"\",\"\"\n",
		"a,b\n\"say \"\"hi\"\"\",2\n", "a,b\n\"two\nlines\",2\n3,4\n",
		"a,b\r\n1,2\r\n", "a,b\n1,\n,\n,,\n", "a,b\n\n\n1,2\n",
		"a,b\n1\"2,3\n", "a,b\n\"x\" ,3\n", "a,b\n\"x\"y,3\n",
		"a,b\n1,2\r3,4\n", "a,b\n\"open,3\n", "a,b\n1,2", "a\n\"\n\"\n",
	};
	char path[512], name[64], *s;
	struct buf b = { 0 };
	size_t i, n;
	int ok = 1;

	snprintf(path, sizeof path, "%s/import-split.csv", tmpdir);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ok &= same_import(path, cases[i], strlen(cases[i]));
	CHECK(ok, "import: the tricky lines read alike, split here or by libcsv");
	for (i = 0, ok = 1; i < 200; i++) {
		random_import(&b, 1000 + (unsigned)i, 40);
		ok &= same_import(path, b.s, b.len);
	}
	CHECK(ok, "import: 200 files of random pieces (seeded) read alike, "
	    "split here or by libcsv, errors and all");
	buf_reset(&b);
	random_book(&b, 77, 20000);	/* valid, past a chunk of 64 KiB */
	CHECK(same_import(path, b.s, b.len), "import: 20,000 random records "
	    "read alike, split here or by libcsv");
	for (i = 0, ok = 1; tricky_corpus[i] != NULL; i++) {
		snprintf(name, sizeof name, "tests/corpus/%s.csv",
		    tricky_corpus[i]);
		if ((s = read_file(name, &n)) == NULL) {
			printf("#   missing %s\n", name);
			ok = 0;
			continue;
		}
		ok &= same_import(path, s, n);
		free(s);
	}
	CHECK(ok, "import: the tricky-CSV corpus reads alike, split here or "
	    "by libcsv");
	buf_free(&b);
}

/*
 * Each marking of rows the processor has (the portable SSE2 or a byte at
 * a time, AVX2, AVX-512) reads alike; one it has not is refused.
 */
static void
test_scanner_portable(void)
{
	static const char *const name[] = { "portable", "AVX2", "AVX-512" };
	int level, ok;

	for (level = 0; level < 3; level++) {
		if (ledger_scan_level(level) != 0) {
			printf("#   this processor has no %s marking\n",
			    name[level]);
			continue;
		}
		ok = random_books_read(2000 + (unsigned)level, 41);
		printf("#   %s marking\n", name[level]);
		CHECK(ok, "scanner, each marking: 20 random books (seeded), "
		    "whole and torn, read as libcsv reads them");
		want_read(name[level]);
	}
	CHECK(ledger_scan_level(3) == -1, "scanner: a marking past the "
	    "best is refused");
	ledger_scan_level(-1);
}

int
main(void)
{
	setenv("PM_NOW", "2026-11-22 09:15", 1);
	setenv("TZ", "Asia/Shanghai", 1);
	msg_init("unit");
	snprintf(tmpdir, sizeof tmpdir, "%s/tests/tmp/unit",
	    getenv("PM_TOP") ? getenv("PM_TOP") : ".");
	/* tests/tmp as tests/run makes it: t-shared's accounts pass through */
	if (system("rm -rf tests/tmp/unit") != 0 ||
	    (mkdir("tests/tmp", 0755) != 0 && errno != EEXIST) ||
	    mkdir(tmpdir, 0750) != 0) {
		perror(tmpdir);
		return 2;
	}
	umask(022);
	test_grow();
	test_str_set();
	test_num_format();
	test_csv_put();
	test_copy_whole();
	test_sync_ahead();
	test_spill();
	test_clock();
	test_clock_hours();
	test_clock_format();
	test_field();
	test_text_utf8();
	test_out();
	test_long_table();
	test_seen();
	test_conf();
	test_ledger();
	test_scanner();
	test_scanner_portable();
	test_import_split();
	test_want();
	test_group();
	test_volumes();
	test_import();
	test_owner_summary();
	test_duty_day_bytes();
	test_complaint_stats();
	return failures ? 1 : 0;
}
