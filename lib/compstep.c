/*
 * compstep.c - the steps of a complaint or request (SPEC 2.1) and what
 * each needs, as a table: the step's name and its check.  Every check
 * sees the complaint as it stands and fills the event's row; a step the
 * procedure does not allow is refused with the rule it breaks.
 *
 * Sections:
 *   the rules    the authority to promise compensation, the answers
 *   the checks   one function a step
 *   the table    step -> check, read by complaint_check_step
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_priv.h"

/* ---- the rules ------------------------------------------------------------------ */

/*
 * SPEC 2.1: authority to promise compensation.  Up to max_fen the
 * approver may be anyone of that rank (NULL: the department supervisor,
 * within whose authority the desk resolves without naming anyone).
 */
static const struct authority {
	long max_fen;
	const char *rank;
} authorities[] = {
	{ 1000 * 100L, NULL },			/* department supervisor */
	{ 2000 * 100L, "quality_supervisor" },	/* 品质主管 */
	{ LONG_MAX, "manager" },
};

static const char *const notify_hows[] = { "phone", "visit", "letter", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };

/* A step being checked: the complaint, what was typed, the row to fill. */
struct check {
	struct pm_ctx *ctx;
	struct complaint *c;
	const struct complaint_step *s;
	const char **v;
	char *cost, *until;
	struct pm_err *e;
};

static int
approver_ok(struct pm_ctx *ctx, const char *rank, const char *name)
{
	if (strcmp(rank, "manager") == 0)
		return conf_is_manager(&ctx->conf, name);
	/* the quality supervisor's authority; the manager's covers it */
	return ctx->conf.quality_supervisor == NULL ||
	    strcmp(ctx->conf.quality_supervisor, name) == 0 ||
	    (ctx->conf.manager && strcmp(ctx->conf.manager, name) == 0);
}

static int
not_handled(const struct check *k, const char *step)
{
	if (k->c->resolved)
		return errset(k->e, EX_DATAERR, _("%s: %s is already handled"),
		    step, k->c->code);
	return 0;
}

/* ---- the checks ----------------------------------------------------------------- */

static int
check_forward(struct check *k)
{
	const struct complaint_step *s = k->s;

	if (field_name(k->e, "--to", s->to) != 0)
		return -1;
	if (s->dept && !conf_is_department(&k->ctx->conf, s->dept))
		return errset(k->e, EX_DATAERR, _("--dept: %s is not a "
		    "department of pm.conf"), s->dept);
	if (not_handled(k, "forward") != 0)
		return -1;
	k->v[E_TO] = s->to;
	k->v[E_DEPT] = s->dept ? s->dept : "";
	return 0;
}

static int
check_ack(struct check *k)
{
	const struct complaint *c = k->c;

	if (strcmp(c->kind, "complaint") != 0 ||
	    !complaint_in_list(c->channel, complaint_written_channels))
		return errset(k->e, EX_DATAERR, _("ack: a written "
		    "acknowledgment is for a complaint by letter, email or "
		    "web; %s came by %s"), c->code, c->channel);
	if (c->acked)
		return errset(k->e, EX_DATAERR, _("ack: %s is already "
		    "acknowledged"), c->code);
	return 0;
}

/* SPEC 2.1: a suggestion is answered adopted or not, the reason when not */
static int
check_reply(struct check *k)
{
	const struct complaint_step *s = k->s;
	int suggestion = strcmp(k->c->kind, "request") == 0 &&
	    strcmp(k->c->type, "suggestion") == 0;

	if (s->text == NULL)
		return errset(k->e, EX_USAGE, _("--text is required"));
	if (!suggestion) {
		if (s->adopted || s->reason)
			return errset(k->e, EX_USAGE, _("%s: only a suggestion "
			    "is adopted or not"), s->adopted ? "--adopted" :
			    "--reason");
		return 0;
	}
	if (s->adopted == NULL)
		return errset(k->e, EX_DATAERR, _("--adopted yes|no is required: "
		    "the reply to a suggestion says whether it is adopted "
		    "(SPEC 2.1)"));
	if (field_enum(k->e, "--adopted", s->adopted, yes_no) != 0)
		return -1;
	if (strcmp(s->adopted, "no") == 0 && (s->reason == NULL ||
	    *s->reason == '\0'))
		return errset(k->e, EX_DATAERR, _("--reason is required: why the "
		    "suggestion is not adopted (SPEC 2.1)"));
	if (s->reason && field_text(k->e, "--reason", s->reason,
	    strlen(s->reason), FIELD_TEXT_MAX) != 0)
		return -1;
	k->v[E_VALID] = s->adopted;
	k->v[E_REASON] = s->reason ? s->reason : "";
	return 0;
}

static int
check_report(struct check *k)
{
	if (k->c->reported)
		return errset(k->e, EX_DATAERR, _("report: %s was already "
		    "reported to the company"), k->c->code);
	if (k->s->to && field_name(k->e, "--to", k->s->to) != 0)
		return -1;
	k->v[E_TO] = k->s->to ? k->s->to : "";
	return 0;
}

static int
check_review(struct check *k)
{
	const struct complaint_step *s = k->s;

	if (field_enum(k->e, "--valid", s->valid ? s->valid : "", yes_no) != 0)
		return -1;
	if (s->importance) {
		if (strcmp(k->c->kind, "complaint") != 0)
			return errset(k->e, EX_DATAERR, _("--importance: a "
			    "request has no importance"));
		if (field_enum(k->e, "--importance", s->importance,
		    complaint_importances) != 0)
			return -1;
		k->v[E_IMPORTANCE] = s->importance;
	}
	k->v[E_VALID] = s->valid;
	return 0;
}

static int
check_extend(struct check *k)
{
	const struct complaint_step *s = k->s;
	struct pm_err *e = k->e;
	time_t t;

	if (strcmp(k->c->kind, "complaint") != 0)
		return errset(e, EX_DATAERR, _("extend: a request is not "
		    "extended; it escalates to the supervisor and the "
		    "manager (SPEC 2.1)"));
	if (s->approved_by == NULL || *s->approved_by == '\0')
		return errset(e, EX_DATAERR, _("--approved-by is required: "
		    "a new date needs the manager's approval (SPEC 2.1)"));
	if (field_name(e, "--approved-by", s->approved_by) != 0)
		return -1;
	if (!conf_is_manager(&k->ctx->conf, s->approved_by))
		return errset(e, EX_DATAERR, _("--approved-by: %s is not "
		    "the manager (pm.conf: manager); a new date needs the "
		    "manager's approval (SPEC 2.1)"), s->approved_by);
	if (field_date(e, "--until", s->until ? s->until : "", &t) != 0)
		return -1;
	if (t <= k->ctx->now)
		return errset(e, EX_DATAERR, _("--until: %s is not in the "
		    "future"), s->until);
	if (not_handled(k, "extend") != 0)
		return -1;
	clock_format(t, k->until);
	k->v[E_UNTIL] = k->until;
	k->v[E_APPROVED] = s->approved_by;
	return 0;
}

/* SPEC 2.1: a promise over 1,000 yuan names its approver. */
static int
check_authority(struct check *k, long fen)
{
	const char *by = k->s->approved_by, *role;
	size_t i;

	for (i = 0; fen > authorities[i].max_fen; i++)
		;
	if (authorities[i].rank == NULL)
		return 0;
	/* the role as the clerk reads it: 经理 in a zh locale */
	role = words_say(NULL, authorities[i].rank);
	if (by == NULL || *by == '\0')
		return errset(k->e, EX_DATAERR, _("--approved-by is "
		    "required: a cost of %.2f yuan is beyond the "
		    "department supervisor's 1000 yuan and needs the "
		    "%s (SPEC 2.1)"), fen / 100.0, role);
	if (field_name(k->e, "--approved-by", by) != 0)
		return -1;
	if (!approver_ok(k->ctx, authorities[i].rank, by))
		return errset(k->e, EX_DATAERR, _("--approved-by: %s "
		    "is not the %s (pm.conf); %.2f yuan needs the "
		    "%s's approval (SPEC 2.1)"), by, role, fen / 100.0, role);
	k->v[E_APPROVED] = by;
	return 0;
}

static int
check_resolve(struct check *k)
{
	const struct complaint_step *s = k->s;
	long fen = 0;

	if (s->text == NULL)
		return errset(k->e, EX_USAGE, _("--result is required"));
	if (not_handled(k, "resolve") != 0)
		return -1;
	if (s->cost && field_yuan(k->e, "--cost", s->cost, &fen) != 0)
		return -1;
	if (check_authority(k, fen) != 0)
		return -1;
	if (s->cost) {
		snprintf(k->cost, 24, "%ld.%02ld", fen / 100, fen % 100);
		k->v[E_COST] = k->cost;
	}
	return 0;
}

static int
check_notify(struct check *k)
{
	const struct complaint *c = k->c;

	if (!c->resolved)
		return errset(k->e, EX_DATAERR, _("notify: %s is not handled "
		    "yet; the result is told after resolve"), c->code);
	if (c->notified)
		return errset(k->e, EX_DATAERR, _("notify: %s was already "
		    "notified"), c->code);
	if (k->s->how && field_enum(k->e, "--how", k->s->how, notify_hows) != 0)
		return -1;
	k->v[E_HOW] = k->s->how ? k->s->how : "phone";
	return 0;
}

static int
check_close(struct check *k)
{
	const struct complaint_step *s = k->s;
	struct pm_err *e = k->e;

	if (!s->unresolvable) {
		if (!k->c->resolved)
			return errset(e, EX_DATAERR, _("close: %s is not handled "
			    "yet (resolve it first)"), k->c->code);
		return 0;
	}
	if (strcmp(k->c->kind, "request") != 0)
		return errset(e, EX_DATAERR, _("--unresolvable: only "
		    "a request is closed as unresolvable"));
	if (s->reason == NULL)
		return errset(e, EX_DATAERR, _("--reason is required: why it "
		    "cannot be resolved"));
	if (field_text(e, "--reason", s->reason, strlen(s->reason),
	    FIELD_TEXT_MAX) != 0)
		return -1;
	/* SPEC 2.1: only the manager closes one as unresolvable */
	if (!conf_is_manager(&k->ctx->conf, k->ctx->user))
		return errset(e, EX_DATAERR, _("--unresolvable: only "
		    "the manager (--as %s) closes a request as "
		    "unresolvable"), k->ctx->conf.manager);
	k->v[E_REASON] = s->reason;
	k->v[E_HOW] = "unresolvable";
	return 0;
}

static int
check_reopen(struct check *k)
{
	if (!k->c->resolved)
		return errset(k->e, EX_DATAERR, _("reopen: %s is still open"),
		    k->c->code);
	k->v[E_REASON] = k->s->reason ? k->s->reason : "";
	return 0;
}

/* ---- the table ------------------------------------------------------------------ */

static const struct step_rule {
	const char *step;
	int (*check)(struct check *);
} step_rules[] = {
	{ "forward", check_forward },
	{ "ack", check_ack },
	{ "reply", check_reply },
	{ "report", check_report },
	{ "review", check_review },
	{ "extend", check_extend },
	{ "resolve", check_resolve },
	{ "notify", check_notify },
	{ "close", check_close },
	{ "reopen", check_reopen },
};

int
complaint_check_step(struct pm_ctx *ctx, struct complaint *c,
    const struct complaint_step *s, const char **v, char *cost, char *until,
    struct pm_err *e)
{
	struct check k = { ctx, c, s, v, cost, until, e };
	const char *step = s->step;
	size_t i;

	for (i = 0; i < E_NCOLS; i++)
		v[i] = "";
	v[E_NCOLS] = NULL;
	v[E_CODE] = c->code;
	v[E_STEP] = step;
	if (c->closed)
		return errset(e, EX_DATAERR, _("%s is %s: no more steps (a failed "
		    "return visit reopens it)"), c->code, complaint_status(c));
	if (s->text && field_text(e, strcmp(step, "resolve") == 0 ? "--result"
	    : "--text", s->text, strlen(s->text), FIELD_TEXT_MAX) != 0)
		return -1;
	v[E_TEXT] = s->text ? s->text : "";
	for (i = 0; i < sizeof step_rules / sizeof step_rules[0]; i++)
		if (strcmp(step_rules[i].step, step) == 0)
			return step_rules[i].check(&k);
	return errset(e, EX_SOFTWARE, "unknown step %s", step);
}
