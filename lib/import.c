/*
 * import.c - read the CSV that spreadsheets and other systems write
 * (SPEC 5): UTF-8 with or without BOM, GB18030/GBK, CRLF line ends,
 * quoted fields with commas, quotes and newlines.  Records are handed
 * out one at a time, in bounded memory, each with the line it began on.
 *
 * Validating every record and writing all or nothing is the form's job,
 * with ledger_begin/ledger_add/ledger_commit.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <openssl/evp.h>

#include "pm.h"

#define IMPORT_CHUNK (64 * 1024)
#define IMPORT_FIELD_MAX (64 * 1024)
#define IMPORT_BATCHES 4	/* chunks parsed ahead of the form's writing */

struct qrow {
	size_t data;		/* where its fields start in the arena */
	int n;
	int checked, bad;	/* by the form's check, as it was parsed */
	long line;
	size_t note, err;	/* where its note (or error) is in the arena */
	/*
	 * each field's place from data, and length, side by side, after
	 * the rest: a record of a few fields is read by the other thread
	 * from one or two cache lines, not nine
	 */
	struct {
		uint32_t off, len;
	} f[LEDGER_COLS_MAX];
};

/*
 * One chunk's rows (IMPORT_CHUNK bytes of the file), parsed on a thread
 * of their own while the form checks the chunks before: IMPORT_BATCHES
 * of them, handed over in turn, so that neither side waits on the other
 * for the odd slow chunk.
 */
struct batch {
	struct qrow *q;
	size_t qhead, qlen, qcap;
	struct buf arena;	/* their fields */
	int eof, failed;	/* after these rows; failed: none of them */
	struct pm_err err;
	off_t read;		/* the file's bytes read up to them */
	int full;		/* handed over, not yet given back */
	import_check_fn *check;	/* the form's, when they were parsed */
	void *check_arg;
	size_t note_size;
};

struct import_src {
	int fd;
	const char *name;
	iconv_t cd;		/* (iconv_t)-1 for UTF-8 input */
	int started, eof, failed;
	struct csv_parser p;
	long line;		/* physical lines fed to the parser */
	struct buf store;
	size_t off[LEDGER_COLS_MAX], len[LEDGER_COLS_MAX];
	int nf;
	long newlines;		/* inside the current record's fields */
	struct batch b[IMPORT_BATCHES], *fillb;	/* fillb: the one being parsed */
	int take;		/* the reader's batch; -1: none yet */
	int threaded, stop;
	off_t size, nread;	/* a plain file's size (else 0); bytes read */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int in_quotes;		/* libcsv is inside a quoted field */
	char carry[16];		/* an incomplete multibyte character */
	size_t ncarry;
	struct buf pending;	/* converted text not yet split into lines */
	struct pm_err err;
	int ncols;		/* the header's, once it is read */
	import_check_fn *check;	/* the form's check, once it is given */
	void *check_arg;
	size_t note_size;
	/*
	 * Each thread's per-record state on cache lines of its own: written
	 * on every record, a line shared would cross between the cores.
	 */
	_Alignas(64) struct seen_key pkey;	/* the parser's thread's */
	_Alignas(64) struct seen_key mkey;	/* the reader's, and: */
	const struct batch *cb;	/* the record import_next gave */
	const struct qrow *cq;
	unsigned char *mnote;	/* its note, when the reader checked it */
	int mchecked, mbad;
	struct pm_err mfe;
};

static void seen_key_free(struct seen_key *k);

/* libcsv's strict mode refuses a quote inside an unquoted field. */
static void
csv_error_at(struct import_src *src)
{
	if (csv_error(&src->p) == CSV_EPARSE)
		errset(&src->err, EX_DATAERR, _("line %ld: a quote inside a field "
		    "that does not start with one (quote the whole field and "
		    "double the quote: \"a\"\"b\")"), src->line);
	else
		errset(&src->err, EX_DATAERR, _("line %ld: not valid CSV (%s)"),
		    src->line, csv_strerror(csv_error(&src->p)));
	src->failed = 1;
}

static void
imp_field(void *s, size_t len, void *data)
{
	struct import_src *src = data;
	const char *p = s ? s : "", *nl;
	size_t i;

	if (src->nf >= LEDGER_COLS_MAX) {
		if (!src->failed)
			errset(&src->err, EX_DATAERR, _("line %ld: more than %d "
			    "columns"), src->line, LEDGER_COLS_MAX);
		src->failed = 1;
		return;
	}
	src->off[src->nf] = src->store.len;
	/* A spreadsheet's CRLF inside a cell is one newline. */
	for (i = 0; (nl = memchr(p + i, '\n', len - i)) != NULL; i = nl + 1 - p) {
		src->newlines++;
		buf_add(&src->store, p + i, nl - (p + i) - (nl > p + i &&
		    nl[-1] == '\r'));
		buf_add(&src->store, "\n", 1);
	}
	buf_add(&src->store, p + i, len - i);
	src->len[src->nf] = src->store.len - src->off[src->nf];
	buf_add(&src->store, "", 1);
	src->nf++;
}

/* A record's fields as a row, pointing into its batch's arena. */
static void
qrow_row(const struct import_src *src, const struct batch *b,
    const struct qrow *q, struct row *r)
{
	int i;

	/*
	 * the header's columns a short row lacks, not all LEDGER_COLS_MAX:
	 * this is per record, and a form reads no column past the header
	 */
	for (i = q->n; i < (src->ncols > 0 ? src->ncols : LEDGER_COLS_MAX); i++) {
		r->f[i] = NULL;
		r->len[i] = 0;
	}
	r->raw = NULL;
	r->rawlen = 0;
	r->off = 0;
	r->n = q->n;
	for (i = 0; i < r->n; i++) {
		r->f[i] = b->arena.s + q->data + q->f[i].off;
		r->len[i] = q->f[i].len;
		/* '=1+1 from an --excel export (or a spreadsheet) is =1+1 */
		if (r->len[i] >= 2 && r->f[i][0] == '\'' &&
		    out_formula_like(r->f[i] + 1)) {
			r->f[i]++;
			r->len[i]--;
		}
	}
	r->line = q->line;
	r->file = src->name;
}

/* n zero bytes at the end of the arena, 16-aligned: their offset */
static size_t
arena_take(struct buf *a, size_t n)
{
	size_t at = (a->len + 15) & ~(size_t)15;

	buf_room(a, at - a->len + n);
	memset(a->s + a->len, 0, at - a->len + n);
	a->len = at + n;
	a->s[a->len] = '\0';
	return at;
}

/* The form's check of a record just parsed, its note kept beside it. */
static void
check_parsed(struct import_src *src, struct batch *b, struct qrow *q)
{
	struct seen_key *k = src->threaded ? &src->pkey : &src->mkey;
	struct pm_err fe;
	struct row r;

	q->note = arena_take(&b->arena, b->note_size);
	q->checked = 1;
	qrow_row(src, b, q, &r);
	if (b->check(&r, b->arena.s + q->note, k, b->check_arg, &fe) != 0) {
		q->bad = 1;
		q->err = arena_take(&b->arena, sizeof fe);
		memcpy(b->arena.s + q->err, &fe, sizeof fe);
	}
}

static void
imp_row(int c, void *data)
{
	struct import_src *src = data;
	struct qrow *r;
	int i;

	(void)c;
	GROW(src->fillb->q, src->fillb->qlen + 1, src->fillb->qcap);
	r = &src->fillb->q[src->fillb->qlen++];
	r->data = src->fillb->arena.len;
	if (src->store.len > 0)
		buf_add(&src->fillb->arena, src->store.s, src->store.len);
	r->n = src->nf;
	for (i = 0; i < src->nf; i++) {
		r->f[i].off = (uint32_t)src->off[i];
		r->f[i].len = (uint32_t)src->len[i];
	}
	/* The row ends on the current line; it began its newlines before. */
	r->line = src->line - src->newlines;
	r->checked = r->bad = 0;
	src->nf = 0;
	src->newlines = 0;
	buf_reset(&src->store);
	if (src->fillb->check != NULL)
		check_parsed(src, src->fillb, r);
}

/*
 * A record split on one line (no newline in it, libcsv between records):
 * its k fields s + off[i], len[i] straight into the batch, as imp_field
 * and imp_row would leave them.
 */
static void
line_row(struct import_src *src, char *s, const size_t *off,
    const size_t *len, int k)
{
	struct batch *b = src->fillb;
	struct qrow *r;
	size_t total = 0;
	char *p;
	int i;

	for (i = 0; i < k; i++)
		total += len[i] + 1;
	GROW(b->q, b->qlen + 1, b->qcap);
	r = &b->q[b->qlen++];
	r->data = b->arena.len;
	p = buf_room(&b->arena, total);
	for (i = 0; i < k; i++) {
		r->f[i].off = (uint32_t)(p - (b->arena.s + r->data));
		r->f[i].len = (uint32_t)len[i];
		memcpy(p, s + off[i], len[i]);
		p += len[i];
		*p++ = '\0';
	}
	b->arena.len += total;
	b->arena.s[b->arena.len] = '\0';
	r->n = k;
	r->line = src->line;
	r->checked = r->bad = 0;
	if (b->check != NULL)
		check_parsed(src, b, r);
}

static void fill(struct import_src *src);

/* The next chunk's rows into b: the parser's side. */
static void
parse_batch(struct import_src *src, struct batch *b)
{
	b->qhead = b->qlen = 0;
	buf_reset(&b->arena);
	src->fillb = b;
	pthread_mutex_lock(&src->mu);
	b->check = src->check;
	b->check_arg = src->check_arg;
	b->note_size = src->note_size;
	pthread_mutex_unlock(&src->mu);
	do
		fill(src);
	while (b->qlen == 0 && !src->eof && !src->failed);
	b->eof = src->eof;
	b->failed = src->failed;
	b->err = src->err;
	b->read = src->nread;
}

static void *
parser_main(void *arg)
{
	struct import_src *src = arg;
	struct batch *b;
	int k = 0, stop;

	/* cancelled only inside read(2), where it holds no lock */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	pthread_setname_np(pthread_self(), "pm-import");	/* for top -H */
	do {
		b = &src->b[k];
		pthread_mutex_lock(&src->mu);
		while (b->full && !src->stop)
			pthread_cond_wait(&src->cv, &src->mu);
		stop = src->stop;
		pthread_mutex_unlock(&src->mu);
		if (stop)
			break;
		parse_batch(src, b);
		pthread_mutex_lock(&src->mu);
		b->full = 1;
		pthread_cond_broadcast(&src->cv);
		pthread_mutex_unlock(&src->mu);
		k = (k + 1) % IMPORT_BATCHES;
	} while (!b->eof && !b->failed);
	return NULL;
}

/* The reader gives its batch back and takes the next, when it is ready. */
static struct batch *
next_batch(struct import_src *src)
{
	struct batch *b;

	if (!src->threaded) {
		src->take = 0;
		parse_batch(src, &src->b[0]);
		return &src->b[0];
	}
	pthread_mutex_lock(&src->mu);
	if (src->take >= 0) {
		src->b[src->take].full = 0;
		pthread_cond_broadcast(&src->cv);
	}
	src->take = src->take < 0 ? 0 : (src->take + 1) % IMPORT_BATCHES;
	b = &src->b[src->take];
	while (!b->full)
		pthread_cond_wait(&src->cv, &src->mu);
	pthread_mutex_unlock(&src->mu);
	return b;
}

struct import_src *
import_open(const char *path, const char *encoding, struct pm_err *e)
{
	struct import_src *src = xcalloc(1, sizeof *src);
	struct stat st;

	src->name = path;
	src->cd = (iconv_t)-1;
	if (strcmp(path, "-") == 0)
		src->fd = STDIN_FILENO;
	else if ((src->fd = open(path, O_RDONLY)) < 0) {
		errset(e, errno == ENOENT ? EX_NOINPUT : EX_IOERR, "%s: %s",
		    path, strerror(errno));
		free(src);
		return NULL;
	}
	if (encoding != NULL) {
		if (strcasecmp(encoding, "utf-8") == 0 ||
		    strcasecmp(encoding, "utf8") == 0)
			src->started = 1;	/* UTF-8: no conversion */
		else if (strcasecmp(encoding, "gbk") == 0 ||
		    strcasecmp(encoding, "gb18030") == 0 ||
		    strcasecmp(encoding, "gb2312") == 0 ||
		    strcasecmp(encoding, "cp936") == 0) {
			src->cd = iconv_open("UTF-8", "GB18030");
			src->started = 1;
		} else {
			errset(e, EX_USAGE, _("--encoding: expected utf-8 or "
			    "gb18030 (gbk), got \"%s\""), encoding);
			if (src->fd != STDIN_FILENO)
				close(src->fd);
			free(src);
			return NULL;
		}
	}
	if (csv_init(&src->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		die(EX_OSERR, "csv_init failed");
	csv_set_space_func(&src->p, libcsv_no_space);
	src->take = -1;
	if (fstat(src->fd, &st) == 0 && S_ISREG(st.st_mode))
		src->size = st.st_size;
	pthread_mutex_init(&src->mu, NULL);
	pthread_cond_init(&src->cv, NULL);
	/* without a thread, each chunk is parsed when it is wanted */
	src->threaded = pthread_create(&src->th, NULL, parser_main, src) == 0;
	return src;
}

/* Valid UTF-8, allowing a character cut at the end of the sample. */
static int
looks_utf8(const char *s, size_t n)
{
	size_t cut = n, k;

	for (k = 0; k < 3 && k < n; k++) {
		unsigned char c = s[n - 1 - k];

		if ((c & 0xc0) == 0xc0) {
			cut = n - 1 - k;
			break;
		}
		if ((c & 0xc0) != 0x80)
			break;
	}
	return utf8_valid(s, cut);
}

static int split_plain = 1;

/* Tests read the same files with libcsv alone: split_plain off. */
void
import_split_plain(int on)
{
	split_plain = on;
}

/*
 * A whole record on one line, s[0..n) without its newline, whose every
 * quote opens or closes a field ("a, b",c): split here with memchr, its
 * fields handed on as libcsv would hand them.  0: anything else (a
 * doubled quote, a quote inside a field, a carriage return, a blank
 * line, too many fields), for libcsv to read or refuse.
 */
static int
split_line(struct import_src *src, char *s, size_t n)
{
	size_t off[LEDGER_COLS_MAX], len[LEDGER_COLS_MAX], pos = 0, end;
	int k = 0, quotes;
	char *c;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n == 0 || memchr(s, '\r', n) != NULL)
		return 0;
	quotes = memchr(s, '"', n) != NULL;
	for (;; k++) {
		if (k == LEDGER_COLS_MAX)
			return 0;
		if (pos < n && s[pos] == '"') {
			if ((c = memchr(s + pos + 1, '"', n - pos - 1)) == NULL)
				return 0;
			end = c - s;
			if (end + 1 < n && s[end + 1] != ',')
				return 0;
			off[k] = pos + 1;
			len[k] = end - pos - 1;
			pos = end + 2;
		} else {
			c = memchr(s + pos, ',', n - pos);
			end = c != NULL ? (size_t)(c - s) : n;
			if (quotes && memchr(s + pos, '"', end - pos) != NULL)
				return 0;
			off[k] = pos;
			len[k] = end - pos;
			pos = end + 1;
		}
		if (pos > n)
			break;
	}
	line_row(src, s, off, len, k + 1);
	return 1;
}

/* An odd number of quotes: a quoted field goes on past the line. */
static int
quotes_odd(const char *s, size_t n)
{
	const char *q, *end = s + n;
	int odd = 0;

	for (; (q = memchr(s, '"', end - s)) != NULL; s = q + 1)
		odd = !odd;
	return odd;
}

/*
 * Feed converted UTF-8 text one physical line at a time: a line that
 * begins a record and holds it all is split here, any other goes to
 * libcsv, which keeps a record that runs over lines.
 */
static void
feed(struct import_src *src, const char *s, size_t n, int last)
{
	size_t start = 0, i;
	const char *nl;

	buf_add(&src->pending, s, n);
	for (i = 0; !src->failed && (nl = memchr(src->pending.s + i, '\n',
	    src->pending.len - i)) != NULL; i++) {
		i = nl - src->pending.s;
		src->line++;
		if (!split_plain || src->in_quotes ||
		    !split_line(src, src->pending.s + start, i - start)) {
			if (csv_parse(&src->p, src->pending.s + start,
			    i + 1 - start, imp_field, imp_row, src) !=
			    i + 1 - start)
				csv_error_at(src);
			src->in_quotes ^= quotes_odd(src->pending.s + start,
			    i - start);
		}
		start = i + 1;
	}
	if (src->failed)
		return;
	if (last && start < src->pending.len) {
		src->line++;
		if (csv_parse(&src->p, src->pending.s + start,
		    src->pending.len - start, imp_field, imp_row, src) !=
		    src->pending.len - start) {
			csv_error_at(src);
			return;
		}
		start = src->pending.len;
	}
	memmove(src->pending.s, src->pending.s + start,
	    src->pending.len - start);
	src->pending.len -= start;
	if (last && csv_fini(&src->p, imp_field, imp_row, src) != 0) {
		errset(&src->err, EX_DATAERR, _("line %ld: a quoted field is "
		    "not closed (unbalanced quotes)"), src->line);
		src->failed = 1;
	}
}

static void
convert(struct import_src *src, char *in, size_t n, int last)
{
	char out[IMPORT_CHUNK * 2], *ip, *op;
	size_t il, ol;
	struct buf all = { 0 };

	buf_add(&all, src->carry, src->ncarry);
	buf_add(&all, in, n);
	src->ncarry = 0;
	ip = all.s;
	il = all.len;
	while (il > 0) {
		op = out;
		ol = sizeof out;
		if (iconv(src->cd, &ip, &il, &op, &ol) == (size_t)-1) {
			if (errno == E2BIG) {
				feed(src, out, op - out, 0);
				continue;
			}
			if (errno == EINVAL && !last && il < sizeof src->carry) {
				memcpy(src->carry, ip, il);
				src->ncarry = il;
				il = 0;
			} else {
				feed(src, out, op - out, 0);
				errset(&src->err, EX_DATAERR, _("line %ld: not "
				    "valid GB18030 text"), src->line + 1);
				src->failed = 1;
				buf_free(&all);
				return;
			}
		}
		feed(src, out, op - out, 0);
	}
	buf_free(&all);
	if (last)
		feed(src, "", 0, 1);
}

static void
fill(struct import_src *src)
{
	char chunk[IMPORT_CHUNK];
	ssize_t n;
	char *p = chunk;
	int was;

	/* a reader that gave up stops the parser here, waiting for input */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &was);
	do
		n = read(src->fd, chunk, sizeof chunk);
	while (n < 0 && errno == EINTR);
	pthread_setcancelstate(was, NULL);
	if (n > 0)
		src->nread += n;
	if (n < 0) {
		errset(&src->err, EX_IOERR, "%s: %s", src->name, strerror(errno));
		src->failed = 1;
		return;
	}
	if (!src->started) {
		src->started = 1;
		if (n >= 3 && memcmp(chunk, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			n -= 3;
		} else if (!looks_utf8(chunk, n))
			src->cd = iconv_open("UTF-8", "GB18030");
	} else if (src->line == 0 && src->pending.len == 0 && n >= 3 &&
	    memcmp(chunk, "\xef\xbb\xbf", 3) == 0 && src->cd == (iconv_t)-1) {
		p += 3;		/* --encoding utf-8 and a BOM */
		n -= 3;
	}
	if (n == 0)
		src->eof = 1;
	if (src->cd != (iconv_t)-1)
		convert(src, p, n, src->eof);
	else
		feed(src, p, n, src->eof);
}

int
import_next(struct import_src *src, struct row *r, struct pm_err *e)
{
	struct batch *b = src->take < 0 ? NULL : &src->b[src->take];
	const struct qrow *q;

	while (b == NULL || b->qhead == b->qlen) {
		if (b != NULL && b->eof)
			return 0;
		b = next_batch(src);
		if (b->failed) {	/* none of its rows: the error */
			*e = b->err;
			b->eof = 1;
			return -1;
		}
	}
	q = &b->q[b->qhead++];
	qrow_row(src, b, q, r);
	src->cb = b;
	src->cq = q;
	src->mchecked = 0;
	/* more fields than the header: an unquoted comma shifted the row */
	if (src->ncols > 0 && r->n > src->ncols)
		return errset(e, EX_DATAERR, _("line %ld: %d fields, but the "
		    "header has %d (a comma in an unquoted field?)"), r->line,
		    r->n, src->ncols);
	/* parsed before the form gave its check: checked here */
	if (src->check != NULL && !q->checked) {
		memset(src->mnote, 0, src->note_size);
		src->mchecked = 1;
		src->mbad = src->check(r, src->mnote, &src->mkey,
		    src->check_arg, &src->mfe) != 0;
	}
	return 1;
}

/* The note of the record k on from it, when it is parsed and good. */
static const void *
import_note_ahead(const struct import_src *src, size_t k)
{
	const struct batch *b = src->cb;
	const struct qrow *q;

	if (b == NULL || b->qhead + k > b->qlen || k == 0)
		return NULL;
	q = &b->q[b->qhead - 1 + k];
	return q->checked && !q->bad ? b->arena.s + q->note : NULL;
}

void
import_set_check(struct import_src *src, import_check_fn *fn,
    size_t note_size, void *arg)
{
	free(src->mnote);
	src->mnote = xcalloc(1, note_size ? note_size : 1);
	pthread_mutex_lock(&src->mu);
	src->check = fn;
	src->check_arg = arg;
	src->note_size = note_size;
	pthread_mutex_unlock(&src->mu);
}

/* The record import_next gave: its note, or NULL with *fe: refused. */
static const void *
import_note(struct import_src *src, const struct pm_err **fe)
{
	const struct qrow *q = src->cq;

	if (src->mchecked) {
		*fe = src->mbad ? &src->mfe : NULL;
		return src->mbad ? NULL : src->mnote;
	}
	if (q->bad) {
		*fe = (const struct pm_err *)(src->cb->arena.s + q->err);
		return NULL;
	}
	*fe = NULL;
	return src->cb->arena.s + q->note;
}

void
import_close(struct import_src *src)
{
	int i;

	if (src == NULL)
		return;
	if (src->threaded) {
		pthread_mutex_lock(&src->mu);
		src->stop = 1;
		pthread_cond_broadcast(&src->cv);
		pthread_mutex_unlock(&src->mu);
		pthread_cancel(src->th);
		pthread_join(src->th, NULL);
	}
	pthread_mutex_destroy(&src->mu);
	pthread_cond_destroy(&src->cv);
	for (i = 0; i < IMPORT_BATCHES; i++) {
		free(src->b[i].q);
		buf_free(&src->b[i].arena);
	}
	if (src->cd != (iconv_t)-1)
		iconv_close(src->cd);
	if (src->fd != STDIN_FILENO)
		close(src->fd);
	csv_free(&src->p);
	buf_free(&src->store);
	buf_free(&src->pending);
	seen_key_free(&src->pkey);
	seen_key_free(&src->mkey);
	free(src->mnote);
	free(src);
}

/*
 * The set of keys seen: each key's SHA-256, cut to 16 bytes, in an open
 * table of a power of two slots (a slot all zero is empty), probed in
 * turn from the digest's first bytes, kept at most half full.
 */
static int
seen_slot(unsigned char (*v)[16], size_t cap, const unsigned char *d)
{
	static const unsigned char zero[16];
	size_t h;

	memcpy(&h, d, sizeof h);
	for (h &= cap - 1; memcmp(v[h], zero, 16) != 0; h = (h + 1) & (cap - 1))
		if (memcmp(v[h], d, 16) == 0)
			return -1;
	memcpy(v[h], d, 16);
	return 0;
}

/*
 * A table past 2 MiB on huge pages where the kernel gives them (THP,
 * madvise): each key looks up a slot anywhere in it, and on 4 KiB pages
 * nearly every lookup missed the TLB as well as the cache.
 */
#define HUGE_PAGE (2 * 1024 * 1024)
static void *
seen_table(size_t bytes)
{
	void *p;

	if (bytes < HUGE_PAGE || posix_memalign(&p, HUGE_PAGE, bytes) != 0)
		return xmalloc(bytes);
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);	/* a hint: 4 KiB pages work too */
#endif
	return p;
}

static void
seen_resize(struct import_seen *s, size_t cap)
{
	static const unsigned char zero[16];
	unsigned char (*v)[16] = seen_table(cap * 16);
	size_t i;

	/*
	 * Written now, not left to calloc: a page of the table first read
	 * is the zero page, and writing it later costs a second fault and,
	 * with the parser's thread running, a TLB shootdown on the other
	 * core.
	 */
	memset(v, 0, cap * 16);

	for (i = 0; i < s->cap; i++)
		if (memcmp(s->v[i], zero, 16) != 0)
			seen_slot(v, cap, s->v[i]);
	free(s->v);
	s->v = v;
	s->cap = cap;
}

/*
 * Room for n keys at once (at most 1,048,576: 32 MiB), so that a large
 * import does not grow the table key by key, twice as large each time.
 */
void
import_seen_reserve(struct import_seen *s, size_t n)
{
	size_t cap = 1024;

	if (n > 1048576)
		n = 1048576;
	while (cap < 2 * n)
		cap *= 2;
	if (cap > s->cap)
		seen_resize(s, cap);
}

static void
key_sum(struct seen_key *k, const char *key, size_t len, unsigned char d[16])
{
	unsigned char full[EVP_MAX_MD_SIZE];
	unsigned int dl;

	if (k->md == NULL && (k->md = EVP_MD_CTX_new()) == NULL)
		die(EX_OSERR, "EVP_MD_CTX_new failed");
	if (EVP_DigestInit_ex2(k->md, EVP_MD_CTX_get0_md(k->md) == sha256_md() ?
	    NULL : sha256_md(), NULL) != 1 ||
	    EVP_DigestUpdate(k->md, key, len) != 1 ||
	    EVP_DigestFinal_ex(k->md, full, &dl) != 1)
		die(EX_SOFTWARE, "SHA-256 failed");
	memcpy(d, full, 16);
	d[0] |= 1;	/* never all zero: zero marks an empty slot */
}

void
seen_key_sum(struct seen_key *k, unsigned char d[16])
{
	key_sum(k, k->b.s ? k->b.s : "", k->b.len, d);
}

static void
seen_key_free(struct seen_key *k)
{
	EVP_MD_CTX_free(k->md);
	buf_free(&k->b);
}

/* Where the set would look for d, fetched ahead of import_seen_put. */
static void
import_seen_prefetch(const struct import_seen *s, const unsigned char d[16])
{
	size_t h;

	if (s->cap == 0)
		return;
	memcpy(&h, d, sizeof h);
	__builtin_prefetch(s->v[h & (s->cap - 1)]);
}

int
import_seen_put(struct import_seen *s, const unsigned char d[16])
{
	if (2 * (s->n + 1) > s->cap)
		seen_resize(s, s->cap ? 2 * s->cap : 1024);
	if (seen_slot(s->v, s->cap, d) != 0)
		return 0;
	s->n++;
	return 1;
}

int
import_seen_add(struct import_seen *s, const char *key, size_t len)
{
	unsigned char d[16];

	key_sum(&s->key, key, len, d);
	return import_seen_put(s, d);
}

void
import_seen_free(struct import_seen *s)
{
	seen_key_free(&s->key);
	free(s->v);
	memset(s, 0, sizeof *s);
}

const void *
import_take(struct import_src *src, struct import_seen *seen, size_t key_at,
    long *errors, long *dups)
{
	const unsigned char *n, *ahead;
	const struct pm_err *fe;

	if ((n = import_note(src, &fe)) == NULL) {
		if (++*errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: %s"), src->cq->line, fe->msg);
		return NULL;
	}
	if (*errors)
		return NULL;	/* nothing will be written; just check */
	/* the set's slot of a record a few on: in the cache when it comes */
	if ((ahead = import_note_ahead(src, 8)) != NULL)
		import_seen_prefetch(seen, ahead + key_at);
	if (!import_seen_put(seen, n + key_at)) {
		++*dups;
		return NULL;
	}
	return n;
}

void
import_summary(FILE *out, int dry_run, long added, long present)
{
	fprintf(out, dry_run ? _("%ld rows would be imported, %ld already "
	    "present\n") : _("%ld rows imported, %ld already present\n"),
	    added, present);
}

int
import_header(struct import_src *src, const char *const *names, int *col,
    const char *file, struct pm_err *e)
{
	struct row r;
	int rc, i, k;

	rc = import_next(src, &r, e);
	if (rc <= 0)
		return rc < 0 ? -1 : errset(e, EX_DATAERR, _("%s: empty, "
		    "expected a header row"), file);
	src->ncols = r.n;
	for (i = 0; names[i]; i++) {
		col[i] = -1;
		for (k = 0; k < r.n && col[i] < 0; k++) {
			const char *n = names[i];

			while (*n) {
				size_t len = strcspn(n, "|");

				if (strlen(r.f[k]) == len &&
				    strncmp(r.f[k], n, len) == 0)
					col[i] = k;
				n += len + (n[len] == '|');
			}
		}
	}
	return 0;
}

size_t
import_rows_hint(const struct import_src *src)
{
	const struct batch *b = src->take < 0 ? NULL : &src->b[src->take];

	if (b == NULL || src->size <= 0 || b->read <= 0)
		return 0;
	return (size_t)((double)src->size * b->qlen / b->read) + 1;
}

/* The first column of need the header lacks, or NULL. */
static const char *
missing(const char *const *names, const char *const *need, const int *col)
{
	size_t n;
	int i, j;

	for (j = 0; need != NULL && need[j]; j++)
		for (i = 0, n = strlen(need[j]); names[i]; i++)
			if (strncmp(names[i], need[j], n) == 0 &&
			    (names[i][n] == '\0' || names[i][n] == '|') &&
			    col[i] < 0)
				return need[j];
	return NULL;
}

struct import_src *
import_start(const char *file, const char *encoding, const char *const *names,
    const char *const *need, int *col, struct pm_err *e)
{
	struct import_src *src = import_open(file, encoding, e);
	struct buf all = { 0 };
	const char *m;
	int j;

	if (src != NULL && import_header(src, names, col, file, e) != 0) {
		import_close(src);
		return NULL;
	}
	if (src != NULL && (m = missing(names, need, col)) != NULL) {
		for (j = 0; need[j]; j++)
			buf_addf(&all, "%s%s", j ? "," : "", need[j]);
		errset(e, EX_DATAERR, _("line 1: missing column \"%s\" "
		    "(expected at least %s)"), m, all.s);
		buf_free(&all);
		import_close(src);
		return NULL;
	}
	return src;
}

int
import_finish(FILE *out, const char *file, int rc, long errors, int dry_run,
    long added, long present, struct pm_err *e)
{
	if (rc < 0)
		return -1;
	if (errors)
		return errset(e, EX_DATAERR, _("%s: %ld rows with errors; "
		    "nothing was imported"), file, errors);
	import_summary(out, dry_run, added, present);
	return 0;
}
