/*
 * duty.c - the duty procedure (SPEC 2.3), read top to bottom (the
 * roster, 值班安排表, and its swaps are roster.c's):
 *
 *   the log (值班记录) records everything on duty as it happens, and no
 *   entry is ever altered: a correction is a new entry pointing at the
 *   old one; the handover (交接班) counts the shared items against the
 *   last handover, carries unfinished matters over, may be refused, and
 *   is blocked by important unfinished work; every morning the
 *   supervisor signs the previous day's log, fixing its chain head.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "duty_priv.h"
#include "rowbytes.h"

/* ---- the books ---------------------------------------------------------- */

static const char *const log_cols[] = { "kind", "text", "corrects", "done",
	"from_staff", "to_staff", "items", "pending", "refused", NULL };
/* SPEC 3: the duty log and its rosters are kept 3 years */
const struct ledger_def duty_log_def = { "duty_log", log_cols, 0640, 3 };
/* log_cols by index (a row to add is in this order), then at and by */
enum { L_KIND, L_TEXT, L_CORRECTS, L_DONE, L_FROM, L_TO, L_ITEMS, L_PENDING,
	L_REFUSED, L_NCOLS, L_AT = L_NCOLS, L_BY, L_NREAD };





/* Where each column of names (then at and by, if at_by) is in l's rows. */
void
cols_find(const struct ledger *l, const char *const *names, int *col,
    int at_by)
{
	int i;

	for (i = 0; names[i]; i++)
		col[i] = ledger_col(l, names[i]);
	if (at_by) {
		col[i] = ledger_col(l, "at");
		col[i + 1] = ledger_col(l, "by");
	}
}

/* ---- the rules ---------------------------------------------------------- */

/*
 * SPEC 2.3: what is handled on duty.  An important kind stays open until
 * an entry records it done, and while open it blocks the handover
 * ("重要的工作未处理完毕,不允许交班").
 */
static const struct entry_kind {
	const char *kind;
	const char *label;
	int important;
} entry_kinds[] = {
	{ "inquiry", "咨询", 0 },
	{ "help", "求助", 0 },
	{ "incident", "突发事件", 1 },
	{ "report", "请示汇报", 0 },
	{ "other", "其他", 0 },
};
#define NKINDS (sizeof entry_kinds / sizeof entry_kinds[0])

const char *const duty_entry_kinds[] = { "inquiry", "help", "incident",
	"report", "other", NULL };

#define PENDING_TEXT_MAX 200
#define ITEM_COUNT_MAX 999

static const struct entry_kind *
kind_rule(const char *kind)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(entry_kinds[i].kind, kind) == 0)
			return &entry_kinds[i];
	return NULL;
}

/* ---- IDs: L000012 for an entry, L000012/2 for its 2nd pending matter ---- */

/* A day's reader names each row: without printf */
static void
log_id(long seq, char *out)
{
	out[0] = 'L';
	num_format(seq, 6, out + 1);
}

static int
parse_id(const char *s, char prefix, long *seq, int *item)
{
	char *end;

	*item = 0;
	if (*s == prefix || *s == prefix + ('a' - 'A'))
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	*seq = strtol(s, &end, 10);
	if (*end == '/') {
		char *e2;

		*item = (int)strtol(end + 1, &e2, 10);
		if (e2 == end + 1 || *e2 != '\0' || *item < 1)
			return -1;
		return *seq > 0 ? 0 : -1;
	}
	return *end == '\0' && *seq > 0 ? 0 : -1;
}

/* ---- small helpers ------------------------------------------------------ */

struct ledger *
open_book(struct pm_ctx *ctx, const struct ledger_def *def)
{
	return ledger_open(def, ctx->data);
}

int
check_approver(struct pm_ctx *ctx, const char *field, const char *name,
    struct pm_err *e)
{
	if (field_name(e, field, name) != 0)
		return -1;
	if (!conf_is_supervisor(&ctx->conf, name))
		return errset(e, EX_DATAERR, _("%s: %s is not a supervisor "
		    "(pm.conf: supervisors); only a supervisor approves this "
		    "(SPEC 2.3)"), field, name);
	return 0;
}

/* Split "a、b;c,d" into names. */
int
split_staff(const char *s, char out[][FIELD_NAME_MAX * 4 + 1], int max,
    const char *field, struct pm_err *e)
{
	char *copy = xstrdup(s), *p = copy;
	int n = 0;

	while (p && *p) {
		char *sep = NULL, *c, *name;
		size_t seplen = 0;

		for (c = p; *c; c++) {
			if (*c == ';' || *c == ',') {
				sep = c, seplen = 1;
				break;
			}
			if (strncmp(c, "、", 3) == 0 || strncmp(c, "，", 3) == 0) {
				sep = c, seplen = 3;
				break;
			}
		}
		if (sep)
			*sep = '\0';
		name = p;
		while (*name == ' ')
			name++;
		p = sep ? sep + seplen : NULL;
		if (*name == '\0')
			continue;
		if (field_name(e, field, name) != 0 || n == max) {
			if (n == max)
				errset(e, EX_DATAERR, _("%s: more than %d people"),
				    field, max);
			free(copy);
			return -1;
		}
		snprintf(out[n++], FIELD_NAME_MAX * 4 + 1, "%.160s", name);
	}
	free(copy);
	return n;
}

static void
entries_push(struct duty_entries *es, const char *id, const char *at,
    const char *kind, const char *text, const char *by)
{
	struct duty_entry *d;
	size_t tl = strlen(text), bl = strlen(by);

	GROW(es->v, es->n + 1, es->cap);
	d = &es->v[es->n++];
	memset(d, 0, sizeof *d);
	str_set(d->id, sizeof d->id, id);
	str_set(d->at, sizeof d->at, at);
	str_set(d->kind, sizeof d->kind, kind);
	d->text = xmalloc(tl + 1 + bl + 1);	/* by after it, one block */
	memcpy(d->text, text, tl + 1);
	d->by = d->text + tl + 1;
	memcpy(d->by, by, bl + 1);
	d->note = NULL;		/* none yet: DUTY_NOTE(d) reads "" */
}

/* Adds "corrects L000002" and the like to an entry's note, "; " between. */
static void entry_note(struct duty_entry *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
entry_note(struct duty_entry *d, const char *fmt, ...)
{
	struct buf b = { 0 };
	char note[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	buf_adds(&b, DUTY_NOTE(d));
	if (b.len > 0)
		buf_adds(&b, "; ");
	buf_adds(&b, note);
	free(d->note);
	d->note = b.s;
}

void
duty_entries_free(struct duty_entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++) {
		free(es->v[i].text);
		free(es->v[i].note);
	}
	free(es->v);
	memset(es, 0, sizeof *es);
}

static void
entries_remove(struct duty_entries *es, size_t i)
{
	free(es->v[i].text);
	free(es->v[i].note);
	memmove(&es->v[i], &es->v[i + 1], (es->n - i - 1) * sizeof *es->v);
	es->n--;
}

/* ---- items: "对讲机=2,灭火器=1" ----------------------------------------- */

struct item {
	char name[FIELD_NAME_MAX * 4 + 1];
	long count;
};

static int
parse_items(const char *s, struct item *items, int *n, struct pm_err *e)
{
	char *copy = xstrdup(s), *save = NULL, *tok;
	int rc = 0, i;

	*n = 0;
	for (tok = strtok_r(copy, ",，", &save); tok;
	    tok = strtok_r(NULL, ",，", &save)) {
		char *eq = strchr(tok, '=');

		while (*tok == ' ')
			tok++;
		if (*tok == '\0')
			continue;
		if (eq == NULL) {
			rc = errset(e, EX_DATAERR, _("--items: expected "
			    "name=count, got \"%s\""), tok);
			break;
		}
		*eq = '\0';
		if (*n == DUTY_ITEMS_MAX) {
			rc = errset(e, EX_DATAERR, _("--items: more than %d "
			    "items"), DUTY_ITEMS_MAX);
			break;
		}
		if (field_name(e, "--items", tok) != 0 ||
		    field_count(e, "--items", eq + 1, 0, ITEM_COUNT_MAX,
		    &items[*n].count) != 0) {
			rc = -1;
			break;
		}
		for (i = 0; i < *n; i++)
			if (strcmp(items[i].name, tok) == 0)
				break;
		if (i < *n) {
			rc = errset(e, EX_DATAERR, _("--items: %s is counted "
			    "twice"), tok);
			break;
		}
		snprintf(items[*n].name, sizeof items[*n].name, "%s", tok);
		(*n)++;
	}
	free(copy);
	return rc;
}

static void
format_items(struct buf *b, const struct item *items, int n)
{
	int i;

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s=%ld", i ? "," : "", items[i].name,
		    items[i].count);
}

/* ---- folding the log: open matters and the last handover ----------------- */

struct log_state {
	struct ledger *l;
	int col[L_NREAD];
	struct duty_entries open;	/* incidents and pending matters */
	long last_seq;
	char holder[FIELD_NAME_MAX * 4 + 1];	/* who holds the desk */
	char handover_id[DUTY_ID_MAX];
	char handover_at[20];
	char *items;
	/* the day to show, and its entries */
	const char *day;
	struct duty_entries *shown;
};

/* What is open and who holds the desk, after one more row. */
static void
fold_open(struct log_state *st, const struct row *r, const char *kind,
    const char *done, const char *id)
{
	const int *c = st->col;
	const struct entry_kind *rule = kind_rule(kind);
	size_t i;

	if (rule && rule->important)
		entries_push(&st->open, id, COL(r, c, L_AT), kind,
		    COL(r, c, L_TEXT), COL(r, c, L_BY));
	if (strcmp(kind, "handover") == 0 && *COL(r, c, L_REFUSED) == '\0') {
		const char *p = COL(r, c, L_PENDING);
		int item = 0;

		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			char pid[DUTY_ID_MAX + 16], *text = strndup(p, len);

			snprintf(pid, sizeof pid, "%.20s/%d", id, ++item);
			entries_push(&st->open, pid, COL(r, c, L_AT),
			    "pending", text, COL(r, c, L_BY));
			free(text);
			p += len + (nl != NULL);
		}
		snprintf(st->holder, sizeof st->holder, "%s",
		    COL(r, c, L_TO));
		snprintf(st->handover_id, sizeof st->handover_id, "%s", id);
		snprintf(st->handover_at, sizeof st->handover_at, "%s",
		    COL(r, c, L_AT));
		free(st->items);
		st->items = xstrdup(COL(r, c, L_ITEMS));
	}
	if (*done)
		for (i = 0; i < st->open.n; i++)
			if (strcmp(st->open.v[i].id, done) == 0) {
				entries_remove(&st->open, i);
				break;
			}
}

/* How a day's reader shows a handover (an entry shows its text): what
 * it handed. */
static void
entry_handover(struct buf *text, const struct row *r, const int *c)
{
	const char *refused = COL(r, c, L_REFUSED);

	buf_addf(text, "%s → %s", COL(r, c, L_FROM), COL(r, c, L_TO));
	if (*refused)
		buf_addf(text, _(" REFUSED: %s"), refused);
	buf_addf(text, " | %s", COL(r, c, L_ITEMS));
	if (*COL(r, c, L_PENDING))
		buf_addf(text, _(" | pending: %s"), COL(r, c, L_PENDING));
	if (*COL(r, c, L_TEXT))
		buf_addf(text, " | %s", COL(r, c, L_TEXT));
}

/*
 * A day's reader (st->shown) wants the day's entries and what later
 * rows say of them, not what is open: a row of another day that
 * corrects or finishes nothing is passed over at once.
 */
static int
fold_log(const struct row *r, void *arg)
{
	struct log_state *st = arg;
	const int *c = st->col;
	const char *kind = COL(r, c, L_KIND);
	const char *done = COL(r, c, L_DONE);
	const char *corrects = COL(r, c, L_CORRECTS);
	char id[DUTY_ID_MAX];
	size_t i;

	st->last_seq = row_seq(r);
	if (st->shown && !*done && !*corrects &&
	    strncmp(COL(r, c, L_AT), st->day, 10) != 0)
		return 0;
	log_id(st->last_seq, id);
	if (st->shown == NULL) {
		fold_open(st, r, kind, done, id);
		return 0;
	}
	if (strncmp(COL(r, c, L_AT), st->day, 10) == 0) {
		struct buf text = { 0 };
		struct duty_entry *d;

		if (strcmp(kind, "handover") == 0)
			entry_handover(&text, r, c);
		entries_push(st->shown, id, COL(r, c, L_AT), kind,
		    text.s ? text.s : COL(r, c, L_TEXT), COL(r, c, L_BY));
		buf_free(&text);
		d = &st->shown->v[st->shown->n - 1];
		if (*corrects)
			entry_note(d, _("corrects %s"), corrects);
		if (*done)
			entry_note(d, _("finishes %s"), done);
	}
	if (*corrects)
		for (i = 0; i < st->shown->n; i++)
			if (strcmp(st->shown->v[i].id, corrects) == 0)
				entry_note(&st->shown->v[i],
				    _("corrected by %s"), id);
	return 0;
}

static void
state_init(struct log_state *st, struct ledger *l)
{
	memset(st, 0, sizeof *st);
	st->l = l;
	cols_find(l, log_cols, st->col, 1);
}

static void
state_free(struct log_state *st)
{
	duty_entries_free(&st->open);
	free(st->items);
}

/*
 * Who holds the desk, with what, and what is open: the rows since last
 * month (archiving moves a closed month at most), so that a handover
 * costs the same in the tenth year as in the first.  A desk not handed
 * over for that long is looked up in the whole book.
 */
static void
fold_recent(struct pm_ctx *ctx, struct ledger *l, struct log_state *st)
{
	long key = clock_month_key(ctx->now) - 1;
	char since[48];

	snprintf(since, sizeof since, "%04ld-%02ld-01", key / 12,
	    key % 12 + 1);
	state_init(st, l);
	ledger_scan_since(l, (int)(key / 12), (int)(key % 12) + 1, fold_log,
	    st);
	/* an older handover seen here may be live for its open matters only */
	if (st->holder[0] == '\0' || strcmp(st->handover_at, since) < 0) {
		state_free(st);
		state_init(st, l);
		ledger_scan(l, fold_log, st);
	}
}

/* ---- the log -------------------------------------------------------------- */

int
duty_log_add(struct pm_ctx *ctx, const char *kind, const char *text,
    const char *corrects, const char *done, const char *at, char *id,
    struct pm_err *e)
{
	char corrects_id[DUTY_ID_MAX] = "", done_id[DUTY_ID_MAX + 8] = "";
	struct ledger_tx *tx;
	struct ledger *l;
	time_t t;
	long seq = 0, dseq = 0;
	int item = 0, rc = 0;
	const char *vals[L_NCOLS + 1] = { 0 };

	if (kind == NULL)
		kind = "other";
	if (field_enum(e, "--kind", kind, duty_entry_kinds) != 0 ||
	    field_text(e, "--text", text, strlen(text), FIELD_TEXT_MAX) != 0 ||
	    field_event_time(e, "--at", at, ctx->now, &t) != 0)
		return -1;
	if (corrects && (parse_id(corrects, 'L', &seq, &item) != 0 || item))
		return errset(e, EX_DATAERR, _("--corrects: expected a log "
		    "entry ID like L000012, got \"%s\""), corrects);
	if (done && parse_id(done, 'L', &dseq, &item) != 0)
		return errset(e, EX_DATAERR, _("--done: expected an incident "
		    "or pending matter ID like L000012 or L000012/1, got \"%s\""),
		    done);
	if (corrects)
		log_id(seq, corrects_id);
	if (done) {
		log_id(dseq, done_id);
		if (item)
			snprintf(done_id + strlen(done_id), 8, "/%d", item);
	}
	l = open_book(ctx, &duty_log_def);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	/* IDs are row numbers, gap-free: an ID up to the last one exists. */
	if (corrects && seq > ledger_tx_last_seq(tx)) {
		rc = errset(e, EX_NOINPUT, _("--corrects: no log entry %s"),
		    corrects_id);
		goto out;
	}
	if (done) {
		struct log_state st;
		size_t i;

		state_init(&st, l);
		/* open matters are never archived: the live book has them */
		ledger_scan_live(l, fold_log, &st);
		for (i = 0; i < st.open.n; i++)
			if (strcmp(st.open.v[i].id, done_id) == 0)
				break;
		if (i == st.open.n) {
			if (dseq > ledger_tx_last_seq(tx))
				rc = errset(e, EX_NOINPUT, _("--done: no log "
				    "entry %s"), done_id);
			else
				rc = errset(e, EX_DATAERR, _("--done: %s is not "
				    "an open incident or pending matter (see "
				    "pm-duty pending)"), done_id);
		}
		state_free(&st);
		if (rc)
			goto out;
	}
	vals[L_KIND] = kind;
	vals[L_TEXT] = text;
	vals[L_CORRECTS] = corrects_id;
	vals[L_DONE] = done_id;
	log_id(ledger_add(tx, t, ctx->user, ctx->now, vals), id);
	ledger_commit(tx);
	ledger_close(l);
	return 0;
out:
	ledger_rollback(tx);
	ledger_close(l);
	return rc;
}

/* ---- the handover ----------------------------------------------------------- */

/* What the clerk typed for a handover, checked before the book is read. */
static int
handover_input(const char *from, const char *to, const char *items,
    struct item *now_items, int *nnow, const char *const *pending,
    int npending, const char *note, const char *refuse_reason,
    struct pm_err *e)
{
	int i;

	if (field_name(e, "--from", from) != 0 ||
	    field_name(e, "--to", to) != 0)
		return -1;
	if (strcmp(from, to) == 0)
		return errset(e, EX_DATAERR, _("--to: the incoming clerk must "
		    "not be the outgoing one (%s)"), from);
	if (parse_items(items, now_items, nnow, e) != 0)
		return -1;
	if (*nnow == 0)
		return errset(e, EX_DATAERR, _("--items: the shared items "
		    "must be counted (e.g. \"对讲机=2,灭火器=1\")"));
	if (npending > DUTY_PENDING_MAX)
		return errset(e, EX_DATAERR, _("--pending: more than %d "
		    "matters"), DUTY_PENDING_MAX);
	for (i = 0; i < npending; i++) {
		if (field_text(e, "--pending", pending[i], strlen(pending[i]),
		    PENDING_TEXT_MAX) != 0)
			return -1;
		if (strchr(pending[i], '\n'))
			return errset(e, EX_DATAERR, _("--pending: one line a "
			    "matter; give --pending again for the next"));
	}
	if (note && field_text(e, "--note", note, strlen(note),
	    FIELD_TEXT_MAX) != 0)
		return -1;
	if (refuse_reason && field_text(e, "--reason", refuse_reason,
	    strlen(refuse_reason), FIELD_TEXT_MAX) != 0)
		return -1;

	return 0;
}

/* SPEC 2.3: the items fewer than at the last handover, "名 2 → 1, ..." */
static void
missing_items(const char *last, const struct item *now_items, int nnow,
    struct buf *missing)
{
	struct item was[DUTY_ITEMS_MAX];
	struct pm_err ignored;
	int nwas = 0, i, j;

	if (last && parse_items(last, was, &nwas, &ignored) != 0)
		nwas = 0;
	for (i = 0; i < nwas; i++) {
		for (j = 0; j < nnow; j++)
			if (strcmp(was[i].name, now_items[j].name) == 0)
				break;
		if (j == nnow || now_items[j].count < was[i].count)
			buf_addf(missing, "%s%s %ld → %ld", missing->len ? ", " :
			    "", was[i].name, was[i].count, j == nnow ? 0 :
			    now_items[j].count);
	}
}

int
duty_handover(struct pm_ctx *ctx, const char *from, const char *to,
    const char *items, const char *const *pending, int npending,
    const char *note, const char *refuse_reason, char *id,
    struct pm_err *e)
{
	struct item now_items[DUTY_ITEMS_MAX];
	int nnow = 0, i, rc = 0;
	struct buf itemstr = { 0 }, pend = { 0 }, missing = { 0 };
	struct log_state st;
	struct ledger_tx *tx;
	struct ledger *l;
	const char *vals[L_NCOLS + 1] = { 0 };

	if (handover_input(from, to, items, now_items, &nnow, pending, npending,
	    note, refuse_reason, e) != 0)
		return -1;
	l = open_book(ctx, &duty_log_def);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	fold_recent(ctx, l, &st);
	if (st.holder[0] && strcmp(st.holder, from) != 0) {
		rc = errset(e, EX_DATAERR, _("--from: %s does not hold the desk: "
		    "%s took it over at %s"), from, st.holder, st.handover_id);
		goto out;
	}
	/* SPEC 2.3: a missing or damaged item is explained and recorded. */
	missing_items(st.items, now_items, nnow, &missing);
	if (missing.len && note == NULL && refuse_reason == NULL) {
		rc = errset(e, EX_DATAERR, _("--items: fewer than at the last "
		    "handover %s (%s): explain the missing or damaged items "
		    "with --note (SPEC 2.3)"), st.handover_id, missing.s);
		goto out;
	}
	/* SPEC 2.3: important unfinished work blocks the handover. */
	if (refuse_reason == NULL)
		for (i = 0; i < (int)st.open.n; i++)
			if (strcmp(st.open.v[i].kind, "pending") != 0) {
				rc = errset(e, EX_DATAERR, _("handover: %s %s "
				    "(\"%.40s\") is not finished; important "
				    "unfinished work blocks the handover "
				    "(record it with pm-duty log --done %s)"),
				    st.open.v[i].kind, st.open.v[i].id,
				    st.open.v[i].text, st.open.v[i].id);
				goto out;
			}
	format_items(&itemstr, now_items, nnow);
	for (i = 0; i < npending; i++) {
		if (i > 0)
			buf_add(&pend, "\n", 1);
		buf_adds(&pend, pending[i]);
	}
	vals[L_KIND] = "handover";
	vals[L_TEXT] = note ? note : "";
	vals[L_FROM] = from;
	vals[L_TO] = to;
	vals[L_ITEMS] = itemstr.s;
	vals[L_PENDING] = pend.s ? pend.s : "";
	vals[L_REFUSED] = refuse_reason ? refuse_reason : "";
	log_id(ledger_add(tx, ctx->now, ctx->user, ctx->now, vals), id);
	ledger_commit(tx);
	tx = NULL;
out:
	if (tx)
		ledger_rollback(tx);
	state_free(&st);
	ledger_close(l);
	buf_free(&itemstr);
	buf_free(&pend);
	buf_free(&missing);
	return rc;
}

/* ---- the supervisor's daily signature ------------------------------------- */

struct signature {
	const char *date;
	char by[128], at[20];
	int found;
	struct anchor a;	/* the review: "review", or "review+ssh" signed */
};

static int
find_signature(const struct anchor *a, void *arg)
{
	struct signature *s = arg;

	if (strcmp(a->ledger, duty_log_def.name) == 0 &&
	    (strcmp(a->reason, "review") == 0 ||
	    strcmp(a->reason, "review+ssh") == 0) &&
	    strcmp(a->subject, s->date) == 0 && !s->found) {
		s->found = 1;
		s->a = *a;
		snprintf(s->by, sizeof s->by, "%s", a->by);
		snprintf(s->at, sizeof s->at, "%s", a->at);
	}
	return 0;
}

int
duty_review(struct pm_ctx *ctx, const char *by, const char *date,
    const char *key, char *id, struct pm_err *e)
{
	struct signature sig;
	struct ledger_tx *tx;
	struct ledger *l;
	char day[11];
	time_t t;
	int over;

	if (check_approver(ctx, "--by", by, e) != 0)
		return -1;
	if (key == NULL && ctx->conf.require_signed)
		return errset(e, EX_DATAERR, _("review: pm.conf requires signed "
		    "reviews (require_signed_reviews): --sign with the "
		    "supervisor's SSH key"));
	if ((over = field_day_over(e, date, ctx->now, &t)) < 0)
		return -1;
	if (over)
		return errset(e, EX_DATAERR, _("--date: the log of %s is not "
		    "finished; it is signed the next morning (SPEC 2.3)"),
		    date ? date : "today");
	clock_format_date(t, day);
	memset(&sig, 0, sizeof sig);
	sig.date = day;
	anchors_scan(ctx->data, find_signature, &sig);
	if (sig.found)
		return errset(e, EX_DATAERR, _("--date: the log of %s was "
		    "already signed by %s at %s"), day, sig.by, sig.at);
	/* The signature fixes the chain head as it is at this moment. */
	l = open_book(ctx, &duty_log_def);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	if (key != NULL && sign_head(ctx->data, tx, "review", day, ctx->now, by,
	    key, e) != 0) {
		ledger_rollback(tx);
		ledger_close(l);
		return -1;
	}
	snprintf(id, DUTY_ID_MAX, "A%06ld", ledger_anchor(tx, ctx->data,
	    key ? "review+ssh" : "review", day, ctx->now, by));
	ledger_commit(tx);
	ledger_close(l);
	return 0;
}

/* ---- reading the log -------------------------------------------------------- */

/*
 * What a day's reader can pass over unsplit: a row whose at is not the
 * day and that corrects and finishes nothing -- read from its bytes,
 * seq,at,kind,text,corrects,done,from_staff,to_staff,items,pending,
 * refused,by,login,written_at,hash (the book's columns, checked by
 * read_days).  Anything it cannot read so is wanted, and split.
 */

/* Not the day: past seq, at is not day[0, 10) (len >= 32). */
static int
other_day(const char *raw, const char *day)
{
	uint32_t m = row_commas32(raw) & 0xffff;
	int i = m ? __builtin_ctz(m) : 0;

	return i > 0 && raw[i + 20] == ',' && memcmp(raw + i + 1, day, 10) != 0;
}

/*
 * Does nothing, read back from its end: written_at and hash are 19 and
 * 64 bytes; back from there over login and by (within 32 bytes), fields
 * not ending in a quote (such a field holds no comma: the comma before
 * it is the real one), then seven commas in a row are corrects to
 * refused, empty.  1: nothing, 0: not known so (a handover, a quoted or
 * long name, a correction).
 */
static int
idle_tail(const char *raw, size_t len)
{
	const char *p = raw + len - 85, *w = p - 32;
	uint32_t m;
	int j, k;

	if (len < 120 || raw[len - 1] == '"' || raw[len - 65] != ',' ||
	    *p != ',' || p[-1] == '"' || (m = row_commas32(w)) == 0)
		return 0;
	j = 31 - __builtin_clz(m);	/* the comma before login */
	if ((m &= ~((uint32_t)1 << j)) == 0 || w[j - 1] == '"')
		return 0;
	k = 31 - __builtin_clz(m);	/* the comma before by */
	return k >= 7 && (m >> (k - 7) & 0x7f) == 0x7f;
}

/* The same read forward, as far as done (the text may hold anything). */
static int
idle_head(const char *raw, size_t len)
{
	const char *end = raw + len, *p;

	/* past seq, at (19 bytes) and kind */
	if ((p = memchr(raw, ',', len)) == NULL || end - p < 22 ||
	    p[20] != ',' || (p = memchr(p + 21, ',', end - p - 21)) == NULL)
		return 0;
	if (++p < end && *p == '"') {	/* a quoted text: to its end */
		for (p++;; p += 2)
			if ((p = memchr(p, '"', end - p)) == NULL)
				return 0;
			else if (p + 1 >= end || p[1] != '"')
				break;
		p++;
	} else if ((p = memchr(p, ',', end - p)) == NULL)
		return 0;
	return end - p >= 3 && memcmp(p, ",,,", 3) == 0;
}

static int
day_wanted(const char *raw, size_t len, const char *day)
{
	if (len < 32 || !other_day(raw, day))
		return 1;
	return !idle_tail(raw, len) && !idle_head(raw, len);
}

/*
 * The month index of the log (duty_log.idx): for a month, the first row
 * written in it or after (by written_at); every row before it was
 * written before the month, so its at, never later than its writing, is
 * of an earlier month.  A day's reader starts at its month's entry (or
 * an earlier one), and keeps the entry of its month when it finds it;
 * the entries of the recent months are kept (LEDGER_MARKS_KEPT).
 */
struct day_read {
	struct log_state *st;
	long month;			/* the day's */
	char from[24];			/* "YYYY-MM" of it */
	struct ledger_mark found;	/* month 0: not yet */
	int want_mark;
};

/* Written in the month or after: from its bytes, ...,written_at,hash */
static int
written_since(const char *raw, size_t len, const char *from)
{
	return len > 86 && raw[len - 65] == ',' && raw[len - 85] == ',' &&
	    memcmp(raw + len - 84, from, 7) >= 0;
}

static int
day_read_wanted(const char *raw, size_t len, void *arg)
{
	struct day_read *d = arg;

	/* the first row written in the month is read: it is the entry */
	if (d->want_mark && d->found.month == 0 &&
	    written_since(raw, len, d->from))
		return 1;
	return day_wanted(raw, len, d->st->day);
}

static int
day_read_row(int book, const struct row *r, void *arg)
{
	struct day_read *d = arg;
	const char *w = row_get(d->st->l, r, "written_at");

	(void)book;
	if (d->want_mark && d->found.month == 0 && strlen(w) == 19 &&
	    memcmp(w, d->from, 7) >= 0 && ledger_mark_marks_live(d->st->l, r))
		ledger_mark_of(d->st->l, r, d->month, &d->found);
	return fold_log(r, d->st);
}

/* The columns where day_wanted reads them, every one (a book as SPEC's) */
static int
bytes_readable(const struct ledger *l)
{
	static const char *const layout[] = { "seq", "at", "kind", "text",
		"corrects", "done", "from_staff", "to_staff", "items",
		"pending", "refused", "by", "login", "written_at", "hash",
		NULL };
	int i;

	for (i = 0; layout[i] != NULL; i++)
		if (ledger_col(l, layout[i]) != i)
			return 0;
	return i == ledger_ncols(l);
}

/* The day's month on, from the index when it has an entry for it. */
static void
read_days(struct pm_ctx *ctx, struct ledger *l, struct log_state *st,
    time_t t)
{
	struct day_read d;
	struct ledger_mark use;
	int have;

	memset(&d, 0, sizeof d);
	d.st = st;
	d.month = clock_month_key(t);
	snprintf(d.from, sizeof d.from, "%04ld-%02ld", d.month / 12,
	    d.month % 12 + 1);
	have = ledger_mark_get(l, d.month, &use) == 0;
	/* an entry of a month long past would not be kept */
	d.want_mark = (!have || use.month != d.month) &&
	    d.month > clock_month_key(ctx->now) - LEDGER_MARKS_KEPT;
	if (bytes_readable(l))
		ledger_want(l, day_read_wanted, &d);
	ledger_scan_books(&l, 1, d.month, have ? &use : NULL, day_read_row,
	    &d);
	ledger_want(l, NULL, NULL);
	if (d.found.month != 0)
		ledger_mark_put(l, &d.found);
}

int
duty_show(struct pm_ctx *ctx, const char *date, struct duty_entries *es,
    struct pm_err *e)
{
	struct log_state st;
	struct signature sig;
	struct ledger *l;
	char day[11];
	time_t t;
	int timed = 0;

	if (date == NULL)
		t = ctx->now;
	else if (clock_parse(date, &t, &timed) != 0 || timed)
		return errset(e, EX_DATAERR, _("--date: expected a real date "
		    "YYYY-MM-DD, got \"%s\""), date);
	clock_format_date(t, day);
	memset(es, 0, sizeof *es);
	l = open_book(ctx, &duty_log_def);
	state_init(&st, l);
	st.day = day;
	st.shown = es;
	/* the day's month on: its entries and every later correction */
	read_days(ctx, l, &st, t);
	state_free(&st);
	memset(&sig, 0, sizeof sig);
	sig.date = day;
	anchors_scan(ctx->data, find_signature, &sig);
	/*
	 * A signature vouches for the rows it saw: the day is shown as
	 * signed only while the chain still holds, every anchor included.
	 */
	if (clock_parse(day, &t, NULL) != 0)
		t = 0;		/* the day's first second: its rows are after */
	if (sig.found && (ledger_vouch_book(l, t, e) != 0 ||
	    (strcmp(sig.a.reason, "review+ssh") == 0 &&
	    sign_check(ctx->data, &sig.a, e) != 0))) {
		snprintf(es->broken, sizeof es->broken, _("the log of %s was "
		    "signed by %s at %s, and has been changed since: %s"), day,
		    sig.by, sig.at, e->msg);
		sig.found = 0;
	}
	ledger_close(l);
	if (sig.found) {
		snprintf(es->signed_by, sizeof es->signed_by, "%s", sig.by);
		snprintf(es->signed_at, sizeof es->signed_at, "%s", sig.at);
	}
	return 0;
}

int
duty_pending(struct pm_ctx *ctx, struct duty_entries *es, struct pm_err *e)
{
	struct log_state st;
	struct ledger *l;

	(void)e;
	l = open_book(ctx, &duty_log_def);
	state_init(&st, l);
	ledger_scan_live(l, fold_log, &st);
	*es = st.open;
	st.open.v = NULL;
	st.open.n = 0;
	state_free(&st);
	ledger_close(l);
	return 0;
}

/* ---- verify and import ---------------------------------------------------- */

/* ---- archiving ------------------------------------------------------------ */

static long
log_closed_month(const struct ledger *l, const struct row *r, void *arg)
{
	const struct duty_entries *open = arg;
	char id[DUTY_ID_MAX];
	size_t i, n;
	time_t t;

	log_id(row_seq(r), id);
	n = strlen(id);
	for (i = 0; i < open->n; i++)
		if (strncmp(open->v[i].id, id, n) == 0 &&
		    (open->v[i].id[n] == '\0' || open->v[i].id[n] == '/'))
			return -1;
	if (clock_parse(row_get(l, r, "at"), &t, NULL) != 0)
		return -1;
	return clock_month_key(t);
}

static long
roster_month(const struct ledger *l, const struct row *r, void *arg)
{
	int y, m;

	(void)arg;
	if (clock_parse_month(row_get(l, r, "month"), &y, &m) != 0)
		return -1;
	return (long)y * 12 + m - 1;
}

long
duty_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	struct ledger *l = open_book(ctx, &duty_log_def);
	struct ledger *rl = open_book(ctx, &duty_roster_def);
	struct log_state st;
	long moved = 0;

	if (ledger_exists(l)) {
		struct ledger_tx *tx = ledger_begin(l, ctx->conf.lock_timeout);

		state_init(&st, l);
		ledger_scan(l, fold_log, &st);
		moved = ledger_archive(tx, before, log_closed_month, &st.open,
		    dry_run, report, rarg, ctx->now, ctx->user);
		state_free(&st);
	}
	if (ledger_exists(rl))
		moved += ledger_archive(ledger_begin(rl,
		    ctx->conf.lock_timeout), before, roster_month, NULL,
		    dry_run, report, rarg, ctx->now, ctx->user);
	ledger_close(l);
	ledger_close(rl);
	return moved;
}

/* The index against the log: no row before an entry written in its month. */
struct marks_check {
	struct ledger *l;
	struct ledger_mark m[LEDGER_MARKS_KEPT];
	int n, bad;		/* bad: the entry first found late, + 1 */
	long row;		/* and the row written in its month before it */
	long end;		/* no entry starts after this row */
	char from[24];		/* the earliest entry's month: older rows pass */
};

static int
written_wanted(const char *raw, size_t len, void *arg)
{
	return written_since(raw, len, arg);
}

static int
mark_check_row(const struct row *r, void *arg)
{
	struct marks_check *k = arg;
	const char *w = row_get(k->l, r, "written_at");
	long seq = row_seq(r);
	int i;

	if (seq >= k->end)
		return 1;	/* past every entry: nothing more to see */
	for (i = 0; i < k->n && !k->bad; i++) {
		const struct ledger_mark *m = &k->m[i];
		char from[24];

		snprintf(from, sizeof from, "%04ld-%02ld", m->month / 12,
		    m->month % 12 + 1);
		if (seq < m->seq + m->past && strncmp(w, from, 7) >= 0) {
			k->bad = i + 1;
			k->row = seq;
		}
	}
	return k->bad != 0;
}

static int
verify_marks(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	struct marks_check k;
	const struct ledger_mark *m;

	memset(&k, 0, sizeof k);
	k.l = open_book(ctx, &duty_log_def);
	k.n = ledger_marks(k.l, k.m, LEDGER_MARKS_KEPT);
	if (k.n > 0 && ledger_exists(k.l)) {
		const struct ledger_mark *first = k.m;

		/* rows written before the earliest entry's month pass */
		for (m = k.m; m < k.m + k.n; m++) {
			if (m->seq + m->past > k.end)
				k.end = m->seq + m->past;
			if (m->month < first->month)
				first = m;
		}
		snprintf(k.from, sizeof k.from, "%04ld-%02ld", first->month /
		    12, first->month % 12 + 1);
		if (ledger_col(k.l, "written_at") == ledger_ncols(k.l) - 2)
			ledger_want(k.l, written_wanted, k.from);
		ledger_scan_live(k.l, mark_check_row, &k);
		ledger_want(k.l, NULL, NULL);
	}
	ledger_close(k.l);
	if (k.bad) {
		m = &k.m[k.bad - 1];
		return errset(e, EX_DATAERR, _("duty_log.idx: the month index "
		    "of %04ld-%02ld starts at row %ld, after row %ld, written "
		    "in that month: it would hide the month's entries (changed "
		    "by hand?)"), m->month / 12, m->month % 12 + 1,
		    m->seq + m->past, k.row);
	}
	if (k.n > 0)
		fprintf(out, _("month index checked against the books (%d "
		    "months)\n"), k.n);
	return 0;
}

int
duty_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &duty_log_def,
		&duty_roster_def, NULL };

	if (ledger_verify_books(ctx->data, defs, out, e) != 0)
		return -1;
	return verify_marks(ctx, out, e);
}

/* The identity of a log entry, for imports, summed into d. */
static void
entry_key(struct seen_key *k, const char *at, const char *kind,
    const char *text, const char *by, unsigned char d[16])
{
	const char *s[] = { at, kind, text, by };
	size_t len[] = { strnlen(at, 16), strlen(kind), strlen(text),
	    strlen(by) };

	buf_join(&k->b, '\x1f', 4, s, len);
	seen_key_sum(k, d);
}

struct import_fold {
	int col[L_NREAD];
	struct import_seen *keys;
};

static int
fold_keys(const struct row *r, void *arg)
{
	struct import_fold *f = arg;
	unsigned char d[16];

	entry_key(&f->keys->key, COL(r, f->col, L_AT), COL(r, f->col, L_KIND),
	    COL(r, f->col, L_TEXT), COL(r, f->col, L_BY), d);
	import_seen_put(f->keys, d);
	return 0;
}


enum { C_AT, C_KIND, C_TEXT, C_BY, NC };
static const char *const import_names[NC + 1] = { "at", "kind", "text",
	"by", NULL };

struct import_run {
	/* read by the parser's thread, as it checks */
	struct pm_ctx *ctx;
	int col[NC];
	/*
	 * written by the writer on every row: a cache line of their own,
	 * or each row's count takes the line from under the parser's reads
	 */
	_Alignas(64) struct import_seen keys;
	struct ledger_tx *tx;
	long errors, added, dups;
};

/* The file's values of a row, by C_: "" for a column it lacks. */
static void
import_values(const struct import_run *ir, const struct row *row,
    const char *v[NC])
{
	int i;

	for (i = 0; i < NC; i++)
		v[i] = ir->col[i] >= 0 && ir->col[i] < row->n ?
		    row->f[ir->col[i]] : "";
	if (v[C_BY][0] == '\0')
		v[C_BY] = ir->ctx->user;
}

/* What the check of an entry leaves for its writing. */
struct entry_note {
	time_t at;
	unsigned char key[16];
};

/*
 * One entry of the file, checked as pm-duty log checks it, on the
 * parser's thread: import_row finds it checked, its key summed.
 */
static int
import_check_row(const struct row *row, void *note, struct seen_key *k,
    void *arg, struct pm_err *fe)
{
	const struct import_run *ir = arg;
	struct entry_note *n = note;
	const char *v[NC];
	char atbuf[20];

	import_values(ir, row, v);
	if (field_date(fe, "at", v[C_AT], &n->at) != 0 ||
	    field_not_future(fe, "at", n->at, ir->ctx->now) != 0 ||
	    field_enum(fe, "kind", v[C_KIND], duty_entry_kinds) != 0 ||
	    field_text(fe, "text", v[C_TEXT], row->len[ir->col[C_TEXT]],
	    FIELD_TEXT_MAX) != 0 ||
	    field_name(fe, "by", v[C_BY]) != 0)
		return -1;
	clock_format(n->at, atbuf);
	entry_key(k, atbuf, v[C_KIND], v[C_TEXT], v[C_BY], n->key);
	return 0;
}

static void
import_row(struct import_run *ir, struct import_src *src,
    const struct row *row)
{
	const char *v[NC], *vals[L_NCOLS + 1] = { 0 };
	const struct entry_note *n;

	if ((n = import_take(src, &ir->keys, offsetof(struct entry_note, key),
	    &ir->errors, &ir->dups)) == NULL)
		return;
	import_values(ir, row, v);
	vals[L_KIND] = v[C_KIND];
	vals[L_TEXT] = v[C_TEXT];
	ledger_add(ir->tx, n->at, v[C_BY], ir->ctx->now, vals);
	ir->added++;
}

int
duty_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e)
{
	static const char *const required[] = { "at", "kind", "text", NULL };
	struct import_run ir;
	struct import_fold f;
	struct import_src *src;
	struct ledger *l;
	struct row row;
	int rc;

	memset(&ir, 0, sizeof ir);
	if ((src = import_start(file, encoding, import_names, required, ir.col,
	    e)) == NULL)
		return -1;
	ir.ctx = ctx;
	/* the rest of the file is checked as it is parsed */
	import_set_check(src, import_check_row, sizeof(struct entry_note), &ir);
	l = open_book(ctx, &duty_log_def);
	ir.tx = ledger_begin(l, ctx->conf.lock_timeout);
	import_seen_reserve(&ir.keys, (size_t)ledger_tx_last_seq(ir.tx) +
	    import_rows_hint(src));
	cols_find(l, log_cols, f.col, 1);
	f.keys = &ir.keys;
	ledger_scan(l, fold_keys, &f);
	while ((rc = import_next(src, &row, e)) == 1)
		import_row(&ir, src, &row);
	import_close(src);
	import_seen_free(&ir.keys);
	if (rc == 0 && !ir.errors && !dry_run)
		ledger_commit(ir.tx);
	else
		ledger_rollback(ir.tx);
	ledger_close(l);
	if (ir.errors > IMPORT_ERRORS_SHOWN)
		warnmsg(_("... and %ld more"), ir.errors - IMPORT_ERRORS_SHOWN);
	return import_finish(out, file, rc, ir.errors, dry_run, ir.added,
	    ir.dups, e);
}
