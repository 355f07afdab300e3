/*
 * alert.h - deadlines that reach people (SPEC 2.10): pm-report alert.
 *
 * Every form gives the deadlines it has seen pass in one shape (struct
 * pm_breach, pm.h); alert_sources[] lists the forms, one line each, so a
 * new form's deadlines alert with no other change.  What was alerted is
 * a book of its own, alerts.csv, hash-chained like every book:
 *
 *   event=alert  a breach, the first time a run saw it (run: the seq of
 *                that run's first alert row)
 *   event=sent   the run's output was handed on (to cron's mail)
 *
 * Calling sequence of a run (alert_run does all of it, one run at a
 * time under the job lock alerts.run.lock):
 *   1. gather every breach now; drop those an alert row already names
 *      (book, id, deadline, due_at);
 *   2. append the new ones as alert rows, synced (all or none);
 *   3. prepare the sent row, hand the output over (one write), commit
 *      the sent row.
 * A run killed before 3 leaves alert rows without their sent row: the
 * next run prints them (once) with its own.  Killed after the output and
 * before the sent row's write(), a few microseconds, it would print
 * them twice: never lost, at worst repeated.
 */
#ifndef ALERT_H
#define ALERT_H

#include "pm.h"

struct alert_source {
	const char *book;
	int (*breaches)(struct pm_ctx *ctx, breach_fn fn, void *arg,
	    struct pm_err *e);
};
extern const struct alert_source alert_sources[];
extern const size_t alert_nsources;

struct alert {
	char *book, *id, *unit, *deadline, *escalate_to, *escalate_name,
	    *what;
	char due_at[20], alerted_at[20];
	long run;
	int open;		/* alert_read: the deadline is still passed */
};

struct alert_list {
	struct alert *v;
	size_t n, cap;
};
void alert_list_free(struct alert_list *l);

/*
 * The output of a run: write what l holds and return 0, or -1 when it
 * could not be handed on (nothing is marked sent then).
 */
typedef int (*alert_out_fn)(const struct alert_list *l, void *arg);
/*
 * One run at ctx->now: every breach not alerted before (and any a killed
 * run recorded and did not hand on) through out, once; out is not called
 * when there is nothing.  Returns how many were handed on, or -1 with e.
 */
long alert_run(struct pm_ctx *ctx, alert_out_fn out, void *arg,
    struct pm_err *e);
/*
 * The alerts recorded from `from` (inclusive) to `to` (exclusive), each
 * marked open when its deadline is still passed at ctx->now; nothing is
 * recorded.  Sorted by whom to tell, then due_at.
 */
int alert_read(struct pm_ctx *ctx, time_t from, time_t to,
    struct alert_list *l, struct pm_err *e);
int alert_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);

#endif
