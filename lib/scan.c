/*
 * scan.c - the read path: a book's rows at disk speed, in bounded memory.
 *
 * Sections:
 *   rows       a cursor over one file (plain or gzip): the newlines and
 *              quotes of each read marked once, a bit a byte, so that a
 *              row's end and its quotes' parity are read off the bits; a
 *              row without a quote split in place, a row with one handed
 *              to libcsv (RFC 4180, strict)
 *   merging    volumes and the live file as one book, in row order
 *   books      ledger_scan and its kin: which files a reader opens
 *   volumes    archive/<book>/<YYYY>/ names, months and manifests
 *
 * A torn last row (a writer killed half-way: bytes after the last whole
 * row) is never returned as data; the next writer sets it aside.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LINES_AVX2
#include <immintrin.h>
#endif

#include "ledger_priv.h"

int
libcsv_no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* ---- rows -------------------------------------------------------------- */

int
ledger_row_holds(const char *raw, size_t len, void *text)
{
	return memmem(raw, len, text, strlen(text)) != NULL;
}

/* seq: digits only, at most 18 of them; anything else reads as 0 */
long
seq_of(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 18)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * The read buffer at cap bytes, and SLACK more (zeroed) that the row
 * splitter may read past a row's end at the end of the buffer.
 */
#define SLACK 64

static void
buf_size(struct cursor *c, size_t cap)
{
	c->buf = xrealloc(c->buf, cap + SLACK);
	memset(c->buf + c->cap, 0, cap + SLACK - c->cap);
	c->cap = cap;
	c->nl = xrealloc(c->nl, (cap / 64 + 1) * sizeof *c->nl);
	c->qt = xrealloc(c->qt, (cap / 64 + 1) * sizeof *c->qt);
}


static void
raw_keep(struct cursor *c, const char *s, size_t len)
{
	if (c->want_raw) {
		buf_reset(&c->raw);
		buf_add(&c->raw, s, len);
	}
}

/*
 * Where a row's fields end: the bits of p[0, 64) that are a comma, a
 * quote or a CR (bit i for p[i]), sixteen bytes a compare with SSE2,
 * one at a time elsewhere.
 */
static uint64_t
stops64(const char *p)
{
	uint64_t m = 0;
	int k;

#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'),
	    cr = _mm_set1_epi8('\r');

	for (k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma),
		    _mm_cmpeq_epi8(v, quote)), _mm_cmpeq_epi8(v, cr));

		m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * k);
	}
#else
	for (k = 0; k < 64; k++)
		if (p[k] == ',' || p[k] == '"' || p[k] == '\r')
			m |= (uint64_t)1 << k;
#endif
	return m;
}

/*
 * The newlines and the quotes of p[0, 64), one bit each (bit i for p[i]):
 * a row's end and its quotes' parity found in one pass.  Sixteen bytes
 * a compare with SSE2, 32 with AVX2 when the processor has it (chosen
 * once, at the first row; 64 at once with AVX-512), one at a time
 * elsewhere.
 */
#ifdef __SSE2__
#define MASK16(v, c) (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, c))

static inline void
lines64(const char *p, uint64_t *nl, uint64_t *qm)
{
	const __m128i newline = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
	const __m128i *at = (const __m128i *)(const void *)p;
	__m128i v0 = _mm_loadu_si128(at), v1 = _mm_loadu_si128(at + 1),
	    v2 = _mm_loadu_si128(at + 2), v3 = _mm_loadu_si128(at + 3);

	*nl = MASK16(v0, newline) | MASK16(v1, newline) << 16 |
	    MASK16(v2, newline) << 32 | MASK16(v3, newline) << 48;
	*qm = MASK16(v0, quote) | MASK16(v1, quote) << 16 |
	    MASK16(v2, quote) << 32 | MASK16(v3, quote) << 48;
}
#else
static inline void
lines64(const char *p, uint64_t *nl, uint64_t *qm)
{
	int k;

	*nl = *qm = 0;
	for (k = 0; k < 64; k++) {
		*nl |= (uint64_t)(p[k] == '\n') << k;
		*qm |= (uint64_t)(p[k] == '"') << k;
	}
}
#endif

#ifdef LINES_AVX2
#define MASK32(v, c) (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c))

__attribute__((target("avx2"))) static inline void
lines64_avx2(const char *p, uint64_t *nl, uint64_t *qm)
{
	const __m256i newline = _mm256_set1_epi8('\n'),
	    quote = _mm256_set1_epi8('"');
	const __m256i *at = (const __m256i *)(const void *)p;
	__m256i v0 = _mm256_loadu_si256(at), v1 = _mm256_loadu_si256(at + 1);

	*nl = MASK32(v0, newline) | MASK32(v1, newline) << 32;
	*qm = MASK32(v0, quote) | MASK32(v1, quote) << 32;
}

__attribute__((target("avx512bw"))) static inline void
lines64_avx512(const char *p, uint64_t *nl, uint64_t *qm)
{
	__m512i v = _mm512_loadu_si512((const void *)p);

	*nl = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
	*qm = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
}
#endif

typedef void masks64_fn(const char *, uint64_t *, uint64_t *);

/*
 * The newlines and quotes of buf[from, end) into the cursor's bitmaps
 * (one bit a byte, a word for each 64 bytes of the buffer), from the
 * word holding from; the bits past end are clear.
 */
static inline __attribute__((always_inline)) void
index_with(masks64_fn *masks, struct cursor *c, size_t from)
{
	size_t w, last = (c->end + 63) / 64;

	for (w = from / 64; w < last; w++)
		masks(c->buf + 64 * w, &c->nl[w], &c->qt[w]);
	if (c->end % 64 != 0) {
		c->nl[last - 1] &= ((uint64_t)1 << (c->end % 64)) - 1;
		c->qt[last - 1] &= ((uint64_t)1 << (c->end % 64)) - 1;
	}
}

static void
index_plain(struct cursor *c, size_t from)
{
	index_with(lines64, c, from);
}

#ifdef LINES_AVX2
__attribute__((target("avx2"))) static void
index_avx2(struct cursor *c, size_t from)
{
	index_with(lines64_avx2, c, from);
}

__attribute__((target("avx512bw"))) static void
index_avx512(struct cursor *c, size_t from)
{
	index_with(lines64_avx512, c, from);
}
#endif

typedef void index_fn_t(struct cursor *, size_t);

/* The markings, the best last (ledger_scan_level) */
static index_fn_t *const index_fns[] = { index_plain,
#ifdef LINES_AVX2
	index_avx2, index_avx512,
#endif
};

/* The marking of that level (-1: the best the processor has), or NULL */
static index_fn_t *
index_level(int level)
{
	int have = 0;

#ifdef LINES_AVX2
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		have = __builtin_cpu_supports("avx512bw") ? 2 : 1;
#endif
	if (level < 0)
		level = have;
	return level <= have ? index_fns[level] : NULL;
}

static index_fn_t *index_fn;

int
ledger_scan_level(int level)
{
	index_fn_t *fn = index_level(level);

	if (fn == NULL)
		return -1;
	index_fn = level < 0 ? NULL : fn;
	return 0;
}

static void
index_from(struct cursor *c, size_t from)
{
	if (index_fn == NULL)
		index_fn = index_level(-1);
	index_fn(c, from);
}

/*
 * The first newline of buf[at, end), read from the bitmaps, or NULL;
 * *odd is the parity of the quotes between.
 */
static char *
line_end(const struct cursor *c, size_t at, int *odd)
{
	size_t w = at / 64, last = (c->end + 63) / 64;
	uint64_t from = ~(uint64_t)0 << (at % 64), nl, q, quotes = 0;
	int i;

	if (at >= c->end || c->buf == NULL)
		return NULL;
	nl = c->nl[w] & from;
	q = c->qt[w] & from;
	while (nl == 0) {
		quotes ^= q;
		if (++w == last)
			return NULL;
		nl = c->nl[w];
		q = c->qt[w];
	}
	i = __builtin_ctzll(nl);
	quotes ^= q & (((uint64_t)1 << i) - 1);
	*odd = __builtin_parityll(quotes);
	return c->buf + 64 * w + i;
}

/* More of the file after buf[start, end), moved to the front first. */
static int
fill(struct cursor *c)
{
	size_t from = c->end;
	ssize_t n;

	if (c->buf == NULL)
		buf_size(c, READ_CHUNK);	/* a file opened done has none */
	if (c->start > 0) {
		c->base += c->start;
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = from = 0;
	}
	if (c->end == c->cap) {
		if (c->cap >= ROW_READ_MAX)
			return errset(c->err, EX_DATAERR, _("%s line %ld: a row "
			    "longer than %d MiB: not a row of this book"),
			    c->path, c->line + 1, ROW_READ_MAX >> 20);
		buf_size(c, c->cap * 2);
	}
	for (;;) {
		n = c->gz ? gzread(c->gz, c->buf + c->end, c->cap - c->end) :
		    read(c->fd, c->buf + c->end, c->cap - c->end);
		if (n >= 0 || c->gz || errno != EINTR)
			break;
	}
	if (n < 0)
		return errset(c->err, EX_IOERR, "%s: %s", c->path,
		    c->gz ? "gzip read error" : strerror(errno));
	if (n == 0)
		c->eof = 1;
	c->end += n;
	index_from(c, from);
	return 0;
}

struct split {
	struct row *r;
	const char *s;
	size_t from;		/* where the field being read begins */
	int n, in;		/* fields so far; inside quotes */
};

static inline void
field_end(struct split *sp, size_t at)
{
	size_t from = sp->from + (sp->s[sp->from] == '"' && sp->from < at);

	if (sp->n < LEDGER_COLS_MAX) {
		sp->r->f[sp->n] = (char *)sp->s + from;
		sp->r->len[sp->n] = at - from - (from > sp->from);
	}
	sp->n++;
	sp->from = at + 1;
}

/* One stop byte of the row at i: 0, or -1 when the row is libcsv's. */
static inline int
stop_at(struct split *sp, size_t i, size_t len)
{
	char ch = sp->s[i];

	if (ch == '\r')
		return -1;
	if (ch == '"') {
		if (!sp->in) {
			if (i != sp->from)	/* a quote inside a field */
				return -1;
			sp->in = 1;
		} else if (i + 1 < len && sp->s[i + 1] != ',')
			return -1;	/* a doubled quote, or text after one */
		else
			sp->in = 0;
	} else if (!sp->in)
		field_end(sp, i);
	return 0;
}

/*
 * A row on one line, s[0, len): its fields are cut out of the buffer in
 * place.  A quoted field is taken as it stands when it holds no quote
 * and ends the field; anything else (a doubled quote, a newline inside,
 * a quote in an unquoted field, a CR) is libcsv's: -1, the buffer
 * untouched.
 */
static int
split_fast(struct cursor *c, char *s, size_t len)
{
	struct split sp = { &c->row, s, 0, 0, 0 };
	size_t base, i;
	uint64_t m;
	int k;

	for (base = 0; base < len; base += 64) {
		m = stops64(s + base);	/* past the row: the buffer's SLACK */
		if (len - base < 64)
			m &= ((uint64_t)1 << (len - base)) - 1;
		for (; m != 0; m &= m - 1) {
			i = base + (size_t)__builtin_ctzll(m);
			if (stop_at(&sp, i, len) != 0)
				return -1;
		}
	}
	if (sp.in)
		return -1;	/* a newline inside quotes */
	field_end(&sp, len);
	raw_keep(c, s, len);
	for (k = 0; k < sp.n && k < LEDGER_COLS_MAX; k++)
		c->row.f[k][c->row.len[k]] = '\0';
	c->row.n = sp.n;
	return 0;
}

static void
q_field(void *s, size_t len, void *data)
{
	struct cursor *c = data;
	struct qrow *q = &c->q[c->nq];

	if (c->nf < LEDGER_COLS_MAX) {
		q->off[c->nf] = c->store.len;
		q->len[c->nf] = len;
	}
	buf_add(&c->store, s ? s : "", s ? len : 0);
	buf_add(&c->store, "", 1);
	c->nf++;
}

static void
q_row(int ch, void *data)
{
	struct cursor *c = data;

	(void)ch;
	c->q[c->nq].n = c->nf;
	c->q[c->nq].line = c->line + 1;
	c->nf = 0;
	c->nq++;
	GROW(c->q, c->nq + 1, c->capq);	/* q_field writes at c->q[nq] */
}

/*
 * Where a row with quotes ends: the first newline after an even number
 * of quotes (inside a quoted field a quote is doubled).  0: not here.
 */
static size_t
quoted_end(const char *s, size_t len)
{
	size_t i;
	int in = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '"')
			in = !in;
		else if (s[i] == '\n' && !in)
			return i + 1;
	return 0;
}

/* A row with quotes (or a stray CR), bytes s[0, len) ending in '\n'. */
static int
parse_quoted(struct cursor *c, const char *s, size_t len)
{
	c->nq = c->qpos = c->nf = 0;
	buf_reset(&c->store);
	if (!c->csv_ready) {
		if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
			die(EX_OSERR, "csv_init failed");
		csv_set_space_func(&c->p, libcsv_no_space);
		c->csv_ready = 1;
		GROW(c->q, 1, c->capq);
	}
	raw_keep(c, s, len - 1);
	if (csv_parse(&c->p, s, len, q_field, q_row, c) != len)
		return errset(c->err, EX_DATAERR, _("%s line %ld: not valid CSV "
		    "(%s)"), c->path, c->line + 1,
		    csv_strerror(csv_error(&c->p)));
	return 0;
}

static void
q_deliver(struct cursor *c)
{
	struct qrow *q = &c->q[c->qpos++];
	int i;

	c->row.n = q->n;
	for (i = 0; i < q->n && i < LEDGER_COLS_MAX; i++) {
		c->row.f[i] = c->store.s + q->off[i];
		c->row.len[i] = q->len[i];
	}
	c->row.line = q->line;
}

static void
nop_field(void *s, size_t len, void *data)
{
	(void)s, (void)len, (void)data;
}

static void
nop_row(int ch, void *data)
{
	(void)ch, (void)data;
}

/*
 * A row with quotes not ended in s[0, len): damage now (a quote where
 * none may be) rather than a search to the end of the file for its end.
 */
static int
unended_ok(struct cursor *c, const char *s, size_t len)
{
	struct csv_parser p;
	int ok;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		die(EX_OSERR, "csv_init failed");
	csv_set_space_func(&p, libcsv_no_space);
	ok = csv_parse(&p, s, len, nop_field, nop_row, NULL) == len;
	if (!ok)
		errset(c->err, EX_DATAERR, _("%s line %ld: not valid CSV (%s)"),
		    c->path, c->line + 1, csv_strerror(csv_error(&p)));
	csv_free(&p);
	return ok;
}

static long
count_lines(const char *s, size_t len)
{
	long n = 0;
	const char *p = s, *end = s + len;

	while ((p = memchr(p, '\n', end - p)) != NULL) {
		n++;
		p++;
	}
	return n;
}

/*
 * What tells the rows its reader does not want (ledger_want) from their
 * bytes, or NULL: asked of a whole row on its line (its quotes paired),
 * never of the header, never for verify or an archive (they keep every
 * row's bytes).
 */
static int wants_ignored;

void
ledger_want_ignore(int on)
{
	wants_ignored = on;
}

static raw_want_fn
passes_over(const struct cursor *c)
{
	if (c->l == NULL || !c->header_done || c->want_raw || c->at_mark ||
	    wants_ignored)
		return NULL;
	return c->l->want;
}

/*
 * The next row of the file into c->row, header included; 1 when there
 * is one, 0 at the end, -1 on damage.
 */

static int
next_raw(struct cursor *c)
{
	raw_want_fn want = passes_over(c);
	char *s, *nl;
	size_t avail, len, qend;
	int odd;

	if (c->qpos < c->nq) {
		q_deliver(c);
		return 1;
	}
	for (;;) {
		s = c->buf + c->start;
		avail = c->end - c->start;
		nl = line_end(c, c->start, &odd);
		if (nl != NULL) {
			len = nl - s;
			if (len > 0 && s[len - 1] == '\r')
				len--;	/* CRLF: one end of row, as libcsv */
			if (len == 0) {	/* an empty line is no row */
				c->start += nl + 1 - s;
				c->line++;
				continue;
			}
			c->row.off = c->base + c->start;
			if (want != NULL && !odd &&
			    !want(s, len, c->l->want_arg)) {
				c->start += nl + 1 - s;
				c->line++;
				continue;
			}
			if (split_fast(c, s, len) == 0) {
				c->row.line = ++c->line;
				c->start += nl + 1 - s;
				return 1;
			}
			if ((qend = quoted_end(s, avail)) > 0) {
				if (parse_quoted(c, s, qend) != 0)
					return -1;
				c->start += qend;
				c->line += count_lines(s, qend);
				if (c->nq == 0)
					continue;
				q_deliver(c);
				return 1;
			}
			if (!unended_ok(c, s, avail))
				return -1;
		}
		if (c->eof) {
			/* the file ended inside a row: a writer died half-way */
			c->torn = c->start < c->end;
			return 0;
		}
		if (fill(c) != 0)
			return -1;
	}
}

/* Is the row the book's header?  Sets the error when it is not. */
static int
header_ok(struct cursor *c)
{
	struct ledger *l = c->l;
	struct buf found = { 0 };
	int i;

	if (c->row.n == l->ncols) {
		for (i = 0; i < l->ncols; i++)
			if (strcmp(c->row.f[i], l->cols[i]) != 0)
				break;
		if (i == l->ncols)
			return 1;
	}
	for (i = 0; i < c->row.n && i < LEDGER_COLS_MAX; i++) {
		if (i > 0)
			buf_add(&found, ",", 1);
		buf_adds(&found, c->row.f[i]);
	}
	errset(c->err, EX_DATAERR, _("%s: the header does not match: expected "
	    "\"%s\", found \"%s\""), c->path, l->header, found.s ? found.s : "");
	buf_free(&found);
	return 0;
}

/* Move to the next row; -1 on damage or a read error (in c->err). */
int
cursor_next(struct cursor *c)
{
	int rc;

	for (;;) {
		if (c->done)
			break;
		rc = next_raw(c);
		if (rc < 0)
			c->failed = 1;
		if (rc <= 0) {
			c->done = 1;
			break;
		}
		if (!c->header_done) {
			c->header_done = 1;
			if (c->l != NULL && !header_ok(c)) {
				c->done = c->failed = 1;
				break;
			}
			if (c->l != NULL)
				continue;
		} else if (c->l != NULL && c->row.n != c->l->ncols) {
			errset(c->err, EX_DATAERR, _("%s line %ld: expected %d "
			    "fields, found %d"), c->path, c->row.line,
			    c->l->ncols, c->row.n);
			c->done = c->failed = 1;
			break;
		}
		if (c->row.n > LEDGER_COLS_MAX)
			c->row.n = LEDGER_COLS_MAX;
		c->row.file = c->path;
		c->row.raw = c->want_raw ? c->raw.s : NULL;
		c->row.rawlen = c->want_raw ? c->raw.len : 0;
		c->seq = seq_of(c->row.f[0], c->row.len[0]);
		return 0;
	}
	c->seq = -1;
	return c->failed ? -1 : 0;
}

/*
 * Open a reader on path (gzip when gz), or on fd when fd >= 0; l NULL
 * reads any columns (the first row is then a row too).
 */
int
cursor_open(struct cursor *c, struct ledger *l, const char *path, int gz,
    int fd, int flags, struct pm_err *e)
{
	memset(c, 0, sizeof *c);
	c->l = l;
	c->fd = -1;
	c->seq = -1;
	c->path = xstrdup(path);
	c->err = e;
	c->want_raw = (flags & CURSOR_RAW) != 0;
	if (gz) {
		errno = 0;
		c->gz = gzopen(path, "rb");
		if (c->gz == NULL && errno == ENOENT) {
			/* purged since we listed it: its rows are gone */
			c->done = 1;
			return 0;
		}
		if (c->gz == NULL)
			return errset(e, EX_IOERR, "%s: %s", path,
			    errno ? strerror(errno) : "gzopen failed");
		gzbuffer(c->gz, READ_CHUNK);
	} else if (fd >= 0)
		c->fd = fd;
	else if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			c->done = 1;	/* a book not yet begun is empty */
			return 0;
		}
		return errset(e, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	buf_size(c, READ_CHUNK);
	return cursor_next(c);
}

void
cursor_close(struct cursor *c)
{
	if (c->csv_ready)
		csv_free(&c->p);
	if (c->gz)
		gzclose(c->gz);
	else if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c->nl);
	free(c->qt);
	free(c->path);
	free(c->q);
	buf_free(&c->store);
	buf_free(&c->raw);
}

/* ---- merging ------------------------------------------------------------ */

/*
 * Archiving moves closed matters into monthly volumes and leaves open
 * ones live, so a book's rows lie in several files, each in row order.
 * Readers see them as one book by pulling the next row from whichever
 * file holds it.  The same row in two files (an archive that died after
 * writing a volume, before replacing the live book) is given once.
 */
struct merge {
	struct ledger *l;
	struct cursor *c;
	int nc, cur, advance;
	long last, min_other;
	const char *last_file;
	char last_hash[HASH_HEX + 1];
};

static void
merge_init(struct merge *m, struct ledger *l, struct cursor *c, int nc)
{
	memset(m, 0, sizeof *m);
	m->l = l;
	m->c = c;
	m->nc = nc;
	m->cur = -1;
	m->min_other = -1;
}

/* Which file gives the next row: -1 when none has one. */
static int
merge_pick(struct merge *m)
{
	struct cursor *c = m->c;
	int pick = -1, i;

	/*
	 * Stay with the current file while its next row comes before every
	 * other file's: one comparison a row in the usual case.
	 */
	if (m->cur >= 0 && c[m->cur].seq >= 0 && c[m->cur].seq < m->min_other)
		return m->cur;
	for (i = 0; i < m->nc; i++)
		if (c[i].seq >= 0 && (pick < 0 || c[i].seq < c[pick].seq))
			pick = i;
	if (pick < 0)
		return -1;
	m->min_other = LONG_MAX;
	for (i = 0; i < m->nc; i++)
		if (i != pick && c[i].seq >= 0 && c[i].seq < m->min_other)
			m->min_other = c[i].seq;
	return m->cur = pick;
}

/*
 * The next row of the book, valid until the next call; NULL at the end
 * (*failed: damage or a read error, in the cursor's pm_err).
 */
static const struct row *
merge_next(struct merge *m, int *failed)
{
	struct ledger *l = m->l;
	struct cursor *c;
	int pick;

	*failed = 0;
	for (;;) {
		if (m->advance) {
			m->advance = 0;
			if (cursor_next(&m->c[m->cur]) != 0) {
				*failed = 1;
				return NULL;
			}
		}
		if ((pick = merge_pick(m)) < 0)
			return NULL;
		c = &m->c[pick];
		m->advance = 1;
		if (c->seq == m->last && m->last > 0 && c->path != m->last_file &&
		    c->row.n == l->ncols &&
		    strcmp(c->row.f[l->ncols - 1], m->last_hash) == 0)
			continue;
		m->last = c->seq;
		m->last_file = c->path;
		if (c->row.n == l->ncols && c->row.len[l->ncols - 1] == HASH_HEX)
			memcpy(m->last_hash, c->row.f[l->ncols - 1],
			    HASH_HEX + 1);
		else
			m->last_hash[0] = '\0';
		return &c->row;
	}
}

int
scan_merge(struct ledger *l, struct cursor *c, int nc, row_fn fn, void *arg)
{
	struct merge m;
	const struct row *r;
	int failed;

	merge_init(&m, l, c, nc);
	while ((r = merge_next(&m, &failed)) != NULL)
		if (fn(r, arg) != 0)
			return 0;
	return failed ? -1 : 0;
}

/* ---- books --------------------------------------------------------------- */

/* A column of a book by name; -1 when it has none. */
int
ledger_col(const struct ledger *l, const char *name)
{
	int i;

	/* the forms pass the very strings of their column tables */
	for (i = 0; i < l->ncols; i++)
		if (l->cols[i] == name)
			return i;
	for (i = 0; i < l->ncols; i++)
		if (strcmp(l->cols[i], name) == 0)
			return i;
	return -1;
}

/* seq: the leading digits of the first field, as atol reads a seq */
long
row_seq(const struct row *r)
{
	const char *p;
	long v = 0;

	if (r->n == 0)
		return 0;
	for (p = r->f[0]; *p >= '0' && *p <= '9' && v < LONG_MAX / 10 - 9; p++)
		v = v * 10 + (*p - '0');
	return *p == '\0' || (*p >= '0' && *p <= '9') ? v : atol(r->f[0]);
}

/* The month of a volume from its name, as year * 12 + month - 1. */
static long
volume_month(const char *path)
{
	size_t n = strlen(path);
	const char *p;

	/* ...-YYYY-MM.csv.gz, digits read by their places */
	if (n < 14)
		return -1;
	p = path + n - 14;
	if (strspn(p, "0123456789") != 4 || p[4] != '-' ||
	    strspn(p + 5, "0123456789") != 2 || strcmp(p + 7, ".csv.gz") != 0)
		return -1;
	return (long)seq_of(p, 4) * 12 + seq_of(p + 5, 2) - 1;
}

/* A book's files open for reading: its live file and volumes. */
struct book_files {
	struct cursor *c;
	int nc;
	struct merge m;
};

/*
 * Open the book: the volumes of months >= since (0: all) and the live
 * file.  The live file is opened first, so that a reader racing an
 * archive sees every row: either the old live book, or the new one after
 * its volumes are in place.
 */
/*
 * Open the live file at a mark: its row must be there, with its seq and
 * hash; 0 when it is (the cursor on that row), -1 when not (closed).
 */
static int
cursor_open_at(struct cursor *c, struct ledger *l, int fd,
    const struct ledger_mark *m, int flags, struct pm_err *e)
{
	const struct row *r = &c->row;

	if (lseek(fd, m->off, SEEK_SET) != m->off)
		return -1;
	memset(c, 0, sizeof *c);
	c->l = l;
	c->fd = fd;
	c->path = xstrdup(l->path);
	c->err = e;
	c->base = m->off;
	c->header_done = 1;
	c->want_raw = (flags & CURSOR_RAW) != 0;
	c->line = m->line - 1;
	buf_size(c, READ_CHUNK);
	c->at_mark = 1;
	if (m->off > 0 && cursor_next(c) == 0 && c->seq == m->seq &&
	    r->len[l->ncols - 1] == HASH_HEX && (m->hash[0] == '\0' ||
	    strncmp(r->f[l->ncols - 1], m->hash, 16) == 0) &&
	    (c->at_mark = 0, !m->past || cursor_next(c) == 0))
		return 0;
	c->fd = -1;	/* the caller's, to read again from the start */
	cursor_close(c);
	return -1;
}

static int
book_open(struct book_files *bf, struct ledger *l, long since, int flags,
    const struct ledger_mark *mark, struct pm_err *e)
{
	char **vols = NULL;
	int nvols, i, rc = 0, livefd;

	memset(bf, 0, sizeof *bf);
	livefd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (files_refused(livefd, l->path, e) != 0) {
		if (livefd >= 0)
			close(livefd);
		return -1;
	}
	if (livefd < 0 && errno != ENOENT)
		return errset(e, EX_IOERR, "%s: %s", l->path, strerror(errno));
	/* the years before since's are not even listed */
	nvols = archive_list(l->dir, l->def->name, ".csv.gz", since, &vols);
	bf->c = xcalloc(nvols + 1, sizeof *bf->c);
	if (livefd >= 0 && mark != NULL && mark->month > 0 &&
	    cursor_open_at(&bf->c[bf->nc], l, livefd, mark, flags, e) == 0)
		bf->nc++;
	else if (livefd >= 0 && lseek(livefd, 0, SEEK_SET) != 0)
		rc = errset(e, EX_IOERR, "%s: %s", l->path, strerror(errno));
	else if (livefd >= 0)
		rc = cursor_open(&bf->c[bf->nc++], l, l->path, 0, livefd, flags,
		    e);
	for (i = 0; i < nvols && rc == 0; i++)
		if (volume_month(vols[i]) >= since)
			rc = cursor_open(&bf->c[bf->nc++], l, vols[i], 1, -1,
			    flags, e);
	archive_volumes_free(vols, nvols);
	merge_init(&bf->m, l, bf->c, bf->nc);
	return rc != 0 ? -1 : 0;
}

#define SEEK_WINDOW 16384

/*
 * A line that begins a row: its seq, a comma, its time (YYYY-MM-DD
 * HH:MM:SS) and a comma.  (A line inside a quoted field may look like
 * one; the cursor reads the row found, and a wrong start fails.)
 */
static int
line_starts_row(const char *s, size_t len, struct ledger_mark *m)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd,";
	const char *comma = memchr(s, ',', len < 20 ? len : 20);
	size_t i, k;
	long seq;

	if (comma == NULL || (seq = seq_of(s, comma - s)) == 0)
		return 0;
	i = comma - s + 1;
	if (i + sizeof shape - 1 > len)
		return 0;
	for (k = 0; shape[k]; k++)
		if (shape[k] == 'd' ? s[i + k] < '0' || s[i + k] > '9' :
		    s[i + k] != shape[k])
			return 0;
	m->seq = seq;
	m->hash[0] = '\0';	/* not known: the cursor takes the row's */
	return 1;
}

/* The first row that begins a line after off (inside a line or its end). */
static int
row_after(int fd, off_t off, struct ledger_mark *m)
{
	char b[SEEK_WINDOW];
	ssize_t n = pread(fd, b, sizeof b, off);
	const char *p = n > 0 ? memchr(b, '\n', n) : NULL;

	for (; p != NULL; p = memchr(p + 1, '\n', b + n - p - 1))
		if (line_starts_row(p + 1, b + n - p - 1, m)) {
			m->off = off + (p + 1 - b);
			return 0;
		}
	return -1;
}

/*
 * The live rows from row seq on, without reading what is before: a row
 * at or before it found by bisection on the seqs that begin lines (a
 * line is taken for a row only when it looks whole, and the cursor then
 * checks the row found); fn sees that row and every one after.  -1
 * when the live book does not hold row seq (a volume does), or the row
 * found is not one: the caller reads the whole book then.
 */
int
scan_live_from(struct ledger *l, long seq, row_fn fn, void *arg,
    struct pm_err *e)
{
	struct ledger_mark best, m;
	struct cursor c;
	struct stat st;
	off_t lo = (off_t)strlen(l->header), hi;
	int fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc;

	memset(&best, 0, sizeof best);
	memset(&m, 0, sizeof m);
	if (fd < 0 || fstat(fd, &st) != 0 || row_after(fd, lo, &best) != 0 ||
	    best.seq > seq) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (hi = st.st_size; hi - lo > SEEK_WINDOW;) {
		off_t mid = lo + (hi - lo) / 2;

		if (row_after(fd, mid, &m) == 0 && m.seq <= seq) {
			best = m;
			lo = m.off;
		} else
			hi = mid;
	}
	best.month = 1;
	best.line = 2;		/* not known; a failure is read again whole */
	best.past = 0;
	if (cursor_open_at(&c, l, fd, &best, CURSOR_RAW, e) != 0) {
		close(fd);
		return -1;
	}
	rc = scan_merge(l, &c, 1, fn, arg);
	cursor_close(&c);
	return rc;
}

static void
book_close(struct book_files *bf)
{
	int i;

	for (i = 0; i < bf->nc; i++)
		cursor_close(&bf->c[i]);
	free(bf->c);
}

int
scan_books(struct ledger *l, long since, int flags, row_fn fn, void *arg,
    struct pm_err *e, int *torn)
{
	struct book_files bf;
	int rc;

	if (torn)
		*torn = 0;
	rc = book_open(&bf, l, since, flags, NULL, e);
	if (rc == 0)
		rc = scan_merge(l, bf.c, bf.nc, fn, arg);
	if (torn && bf.nc > 0 && bf.c[0].fd >= 0)
		*torn = bf.c[0].torn;
	book_close(&bf);
	return rc != 0 ? -1 : 0;
}

/*
 * Several books as one stream in the order they were written: the row
 * written first (written_at; on a tie, the book listed first) comes
 * first.  A form whose matters span books (a registration and its steps)
 * sees each matter's rows in order and can let go of the closed ones.
 */
int
ledger_scan_books(struct ledger **l, int n, long since,
    const struct ledger_mark *marks, book_row_fn fn, void *arg)
{
	struct book_files *bf = xcalloc(n, sizeof *bf);
	const struct row **head = xcalloc(n, sizeof *head);
	int *wcol = xcalloc(n, sizeof *wcol);
	int i, pick, failed = 0, rc = 0;
	struct pm_err e;

	memset(&e, 0, sizeof e);
	e.status = EX_SOFTWARE;
	for (i = 0; i < n && rc == 0; i++) {
		wcol[i] = ledger_col(l[i], "written_at");
		rc = book_open(&bf[i], l[i], since, 0, marks ? &marks[i] : NULL,
		    &e);
		if (rc == 0)
			head[i] = merge_next(&bf[i].m, &failed);
		rc = rc || failed;
	}
	while (rc == 0) {
		pick = -1;
		for (i = 0; i < n; i++)
			if (head[i] != NULL && (pick < 0 ||
			    strcmp(head[i]->f[wcol[i]], head[pick]->f[wcol[pick]])
			    < 0))
				pick = i;
		if (pick < 0 || fn(pick, head[pick], arg) != 0)
			break;
		head[pick] = merge_next(&bf[pick].m, &failed);
		rc = failed;
	}
	for (i = 0; i < n; i++)
		if (bf[i].c != NULL)
			book_close(&bf[i]);
	free(bf);
	free(head);
	free(wcol);
	if (rc != 0) {
		if (e.status == EX_DATAERR)
			die(EX_DATAERR, _("%s (run verify)"), e.msg);
		errdie(&e);
	}
	return 0;
}

static int
scan_or_die(struct ledger *l, long since, row_fn fn, void *arg)
{
	struct pm_err e;

	memset(&e, 0, sizeof e);
	e.status = EX_SOFTWARE;

	if (scan_books(l, since, 0, fn, arg, &e, NULL) != 0) {
		if (e.status == EX_DATAERR)
			die(EX_DATAERR, _("%s (run verify)"), e.msg);
		errdie(&e);
	}
	return 0;
}

int
ledger_scan(struct ledger *l, row_fn fn, void *arg)
{
	return scan_or_die(l, 0, fn, arg);
}

int
ledger_scan_since(struct ledger *l, int year, int month, row_fn fn,
    void *arg)
{
	return scan_or_die(l, (long)year * 12 + month - 1, fn, arg);
}

int
ledger_scan_live(struct ledger *l, row_fn fn, void *arg)
{
	return scan_or_die(l, LONG_MAX, fn, arg);
}

/* ---- volumes ----------------------------------------------------------- */

static int
is_year(const struct dirent *d)
{
	return strlen(d->d_name) == 4 && strspn(d->d_name, "0123456789") == 4;
}

static const char *list_suffix;

static int
has_suffix(const struct dirent *d)
{
	size_t n = strlen(d->d_name), k = strlen(list_suffix);

	return n > k && strcmp(d->d_name + n - k, list_suffix) == 0;
}

/* archive/<ledger>/<YYYY>/<ledger>-<YYYY-MM><suffix>, oldest first. */
int
archive_list(const char *dir, const char *ledger, const char *suffix,
    long since, char ***paths)
{
	struct dirent **years = NULL, **vols;
	struct buf b = { 0 };
	size_t pl = strlen(ledger);
	int ny, nv, i, j, n = 0;
	size_t cap = 0;

	*paths = NULL;
	list_suffix = suffix;
	buf_addf(&b, "%s/archive/%s", dir, ledger);
	ny = scandir(b.s, &years, is_year, alphasort);
	for (i = 0; i < ny; i++) {
		if (atol(years[i]->d_name) < since / 12) {
			free(years[i]);	/* a year before the reader's */
			continue;
		}
		buf_reset(&b);
		buf_addf(&b, "%s/archive/%s/%s", dir, ledger, years[i]->d_name);
		nv = scandir(b.s, &vols, has_suffix, alphasort);
		for (j = 0; j < nv; j++) {
			if (strncmp(vols[j]->d_name, ledger, pl) == 0 &&
			    vols[j]->d_name[pl] == '-') {
				GROW(*paths, (size_t)n + 1, cap);
				(*paths)[n] = xmalloc(b.len + 2 +
				    strlen(vols[j]->d_name));
				sprintf((*paths)[n++], "%s/%s", b.s,
				    vols[j]->d_name);
			}
			free(vols[j]);
		}
		if (nv > 0)
			free(vols);
		free(years[i]);
	}
	if (ny > 0)
		free(years);
	buf_free(&b);
	return n;
}

int
archive_volumes(const char *dir, const char *ledger, char ***paths)
{
	return archive_list(dir, ledger, ".csv.gz", 0, paths);
}

long
archive_volume_month(const char *path)
{
	return volume_month(path);
}

void
archive_volumes_free(char **paths, int n)
{
	while (n > 0)
		free(paths[--n]);
	free(paths);
}

int
manifest_read(const char *path, struct manifest *m)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *fp = fopen(path, "r");
	struct run r;

	memset(m, 0, sizeof *m);
	m->live_before = m->live_after = -1;
	if (fp == NULL)
		return -1;
	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "sha256\t", 7) == 0)
			sscanf(line + 7, "%64s", m->sha256);
		else if (strncmp(line, "rows\t", 5) == 0)
			m->rows = atol(line + 5);
		else if (strncmp(line, "book_seq\t", 9) == 0)
			m->book_seq = atol(line + 9);
		else if (strncmp(line, "live_before\t", 12) == 0)
			m->live_before = atol(line + 12);
		else if (strncmp(line, "live_after\t", 11) == 0)
			m->live_after = atol(line + 11);
		else if (strncmp(line, "book_head\t", 10) == 0)
			snprintf(m->book_head, sizeof m->book_head, "%s", line + 10);
		else if (strncmp(line, "ledger\t", 7) == 0)
			snprintf(m->ledger, sizeof m->ledger, "%s", line + 7);
		else if (strncmp(line, "volume\t", 7) == 0)
			snprintf(m->volume, sizeof m->volume, "%s", line + 7);
		else if (strncmp(line, "month\t", 6) == 0)
			snprintf(m->month, sizeof m->month, "%s", line + 6);
		else if (strncmp(line, "archived_at\t", 12) == 0)
			snprintf(m->archived_at, sizeof m->archived_at, "%s",
			    line + 12);
		else if (strncmp(line, "archived_by\t", 12) == 0)
			snprintf(m->archived_by, sizeof m->archived_by, "%s",
			    line + 12);
		else if (sscanf(line, "run\t%ld\t%ld\t%64s", &r.from, &r.to,
		    r.hash) == 3) {
			GROW(m->runs, m->nruns + 1, m->capruns);
			m->runs[m->nruns++] = r;
		}
	}
	free(line);
	fclose(fp);
	return is_hash(m->sha256, strlen(m->sha256)) ? 0 : -1;
}

/* ---- the month index -------------------------------------------------- */

static void
mark_path(struct buf *b, const struct ledger *l)
{
	buf_reset(b);
	buf_addf(b, "%s/%s.idx", l->dir, l->def->name);
}

/* The entries of BOOK.idx, oldest month first; how many. */
static int
marks_read(const struct ledger *l, struct ledger_mark *m, int max)
{
	struct buf p = { 0 };
	char line[160], hash[17];
	struct ledger_mark x;
	long long off;
	int n = 0, i, past, fd;
	FILE *fp;

	mark_path(&p, l);
	/* a cache, read only when it is a plain file, never through a link */
	fd = open(p.s, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	buf_free(&p);
	if (fd < 0 || (fp = fdopen(fd, "r")) == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		memset(&x, 0, sizeof x);
		past = 0;
		if (sscanf(line, "%ld\t%ld\t%lld\t%ld\t%16[0-9a-f]\t%d",
		    &x.month, &x.seq, &off, &x.line, hash, &past) < 5 ||
		    x.month <= 0 ||
		    x.seq <= 0 || off <= 0 || x.line <= 1 || strlen(hash) != 16)
			continue;	/* a cache: what does not read is not used */
		x.off = (off_t)off;
		x.past = past == 1;
		memcpy(x.hash, hash, sizeof x.hash);
		for (i = 0; i < n && m[i].month != x.month; i++)
			;
		if (i == n && n == max) {
			memmove(m, m + 1, (max - 1) * sizeof *m);
			i = --n;
		}
		m[i] = x;
		if (i == n)
			n++;
	}
	fclose(fp);
	return n;
}

int
ledger_marks(struct ledger *l, struct ledger_mark *m, int max)
{
	return marks_read(l, m, max);
}

int
ledger_mark_get(struct ledger *l, long month, struct ledger_mark *m)
{
	struct ledger_mark v[LEDGER_MARKS_KEPT * 4];
	int n = marks_read(l, v, LEDGER_MARKS_KEPT * 4), i, best = -1;

	memset(m, 0, sizeof *m);
	for (i = 0; i < n; i++)
		if (v[i].month <= month && (best < 0 || v[i].month >
		    v[best].month))
			best = i;
	if (best < 0)
		return -1;
	*m = v[best];
	return 0;
}

static int
mark_cmp(const void *a, const void *b)
{
	const struct ledger_mark *x = a, *y = b;

	return (x->month > y->month) - (x->month < y->month);
}

void
ledger_mark_put(struct ledger *l, const struct ledger_mark *m)
{
	struct ledger_mark v[LEDGER_MARKS_KEPT * 4 + 1];
	struct buf p = { 0 }, tmp = { 0 }, text = { 0 };
	int n = marks_read(l, v, LEDGER_MARKS_KEPT * 4), i, fd;

	for (i = 0; i < n && v[i].month != m->month; i++)
		;
	v[i] = *m;
	if (i == n)
		n++;
	qsort(v, n, sizeof *v, mark_cmp);
	for (i = n > LEDGER_MARKS_KEPT ? n - LEDGER_MARKS_KEPT : 0; i < n; i++)
		buf_addf(&text, "%ld\t%ld\t%lld\t%ld\t%s\t%d\n",
		    v[i].month, v[i].seq, (long long)v[i].off, v[i].line,
		    v[i].hash, v[i].past);
	mark_path(&p, l);
	/* a reader keeps it when it may write here; no sync: a cache */
	fd = files_temp(p.s, &tmp, l->def->mode);
	if (fd >= 0) {
		if (write(fd, text.s, text.len) != (ssize_t)text.len ||
		    close(fd) != 0 || rename(tmp.s, p.s) != 0)
			unlink(tmp.s);
	}
	buf_free(&p);
	buf_free(&tmp);
	buf_free(&text);
}

void
ledger_mark_of(struct ledger *l, const struct row *r, long month,
    struct ledger_mark *m)
{
	memset(m, 0, sizeof *m);
	m->month = month;
	m->seq = row_seq(r);
	m->off = r->off;
	m->line = r->line;
	if (r->n == l->ncols)
		snprintf(m->hash, sizeof m->hash, "%.16s", r->f[l->ncols - 1]);
}

/* Does the row come from the live file (a mark can point at it)? */
int
ledger_mark_marks_live(struct ledger *l, const struct row *r)
{
	return r->file != NULL && strcmp(r->file, l->path) == 0 && r->off > 0;
}

void
ledger_mark_drop(struct ledger *l)
{
	struct buf p = { 0 };

	mark_path(&p, l);
	unlink(p.s);
	buf_free(&p);
}
