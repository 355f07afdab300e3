/*
 * histgen - write years of history for `make bench`.
 *
 *   histgen [--visits] DIR OFFICE MONTHS PER_MONTH OPEN
 *   histgen --duty DIR MONTHS PER_MONTH
 *   histgen --keys DIR MONTHS PER_MONTH
 *
 * Each of the MONTHS months before PM_NOW's month gets PER_MONTH
 * complaints, each registered, resolved, told and closed within the
 * month (four rows); then OPEN complaints are registered this month and
 * left open.  --visits: each complaint is visited before it closes, its
 * sheet signed out, recorded and passed (three rows of the visits book).
 * The rows go through the ledger library as one batch a
 * book, the way an import writes, so the chain is the real one.  The
 * columns are pm-files(5)'s; a mismatch makes the ledger refuse.
 *
 * --duty: PER_MONTH handovers a month between 甲 and 乙 (对讲机=2), the
 * last to 乙.  --keys: PER_MONTH units a month, each with 2 keys received,
 * lent, returned and handed to the owner (closed); then unit 0010199999
 * holds 1,000 keys, so that lending one can be repeated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm.h"
#include "duty.h"
#include "key.h"
#include "visit.h"

static const char *const reg_cols[] = { "code", "kind", "unit", "name",
	"phone", "channel", "text", "importance", "category", "cosigners",
	"requested_by", NULL };
static const char *const ev_cols[] = { "code", "step", "to_name", "dept",
	"text", "valid", "importance", "until", "cost", "approved_by", "how",
	"reason", NULL };
static const struct ledger_def regs = { "complaints", reg_cols, 0640 };
static const struct ledger_def events = { "complaint_events", ev_cols, 0640 };

static void
event(struct ledger_tx *tx, time_t t, const char *code, const char *step,
    const char *text, const char *how)
{
	const char *v[13] = { code, step, "", "", text, "", "", "", "", "",
		how, "", NULL };

	ledger_add(tx, t, "bench", t, v);
}


/* A complaint's visit: signed out, recorded, passed (SPEC 2.4). */
static void
visits(struct ledger_tx *tx, time_t t, const char *code, const char *unit)
{
	static const char *const ev[3] = { "checkout", "record", "review" };
	int k;

	for (k = 0; k < 3; k++) {
		const char *v[17] = { ev[k], code, "complaint", unit, "", "", "",
			k < 2 ? "张主管" : "", k == 1 ? "4" : "", k == 1 ? "5" : "",
			k == 1 ? "satisfied" : "", "", k == 1 ? "yes" : "",
			k == 2 ? "pass" : "", "", "", NULL };

		ledger_add(tx, t + k * HOUR_SECONDS, "张主管", t + k *
		    HOUR_SECONDS, v);
	}
}

static time_t
month_day(long mk, long i)
{
	return clock_month_start((int)(mk / 12), (int)(mk % 12) + 1) +
	    (i % 28) * DAY_SECONDS + 8 * HOUR_SECONDS + i % 3000;
}

static void
gen_duty(const char *dir, long months, long per)
{
	struct ledger *l = ledger_open(&duty_log_def, dir);
	struct ledger_tx *tx = ledger_begin(l, 10);
	long mk0 = clock_month_key(clock_now()), m, i, n = 0;

	for (m = months; m >= 1; m--)
		for (i = 0; i < per; i++, n++) {
			const char *from = n % 2 ? "乙" : "甲";
			const char *to = n % 2 ? "甲" : "乙";
			const char *v[10] = { "handover", "", "", "", from, to,
				"对讲机=2", "", "", NULL };

			/* end with 乙 holding the desk */
			if (m == 1 && i == per - 1) {
				v[4] = "甲";
				v[5] = "乙";
			}
			ledger_add(tx, month_day(mk0 - m, i), "bench",
			    month_day(mk0 - m, i), v);
		}
	ledger_commit(tx);
	ledger_close(l);
}

static void
key_row(struct ledger_tx *tx, time_t t, const char *event, const char *unit,
    const char *count, const char *loan)
{
	const char *v[16] = { event, unit, count, "", "", "", "", "", "", "",
		"", "", "", "", "", NULL };

	if (strcmp(event, "receive") == 0) {
		v[3] = count;
		v[4] = "contractor";
		v[5] = "李工";
		v[6] = "bench";
		v[14] = "✓";
	} else if (strcmp(event, "lend") == 0) {
		v[6] = "张工";
		v[7] = "工程部";
		v[8] = "G1";
	} else if (strcmp(event, "return") == 0) {
		v[5] = "张工";
		v[6] = "bench";
		v[11] = loan;
	} else if (strcmp(event, "issue") == 0) {
		v[6] = "业主";
		v[10] = "身份证";
	}
	ledger_add(tx, t, "bench", t, v);
}

static void
gen_keys(const char *dir, long months, long per)
{
	struct ledger *l = ledger_open(&key_def, dir);
	struct ledger_tx *tx = ledger_begin(l, 10);
	long mk0 = clock_month_key(clock_now()), m, i, u = 0, seq;
	char unit[16], loan[16];
	time_t t;

	for (m = months; m >= 1; m--)
		for (i = 0; i < per; i++, u++) {
			t = month_day(mk0 - m, i);
			snprintf(unit, sizeof unit, "00101%05ld", u % 99999);
			key_row(tx, t, "receive", unit, "2", NULL);
			seq = ledger_tx_next_seq(tx);
			snprintf(loan, sizeof loan, "K%06ld", seq);
			key_row(tx, t + HOUR_SECONDS, "lend", unit, "1", NULL);
			key_row(tx, t + 2 * HOUR_SECONDS, "return", unit, "1",
			    loan);
			key_row(tx, t + 3 * HOUR_SECONDS, "issue", unit, "2",
			    NULL);
		}
	key_row(tx, month_day(mk0 - 1, 1), "receive", "0010199999", "1000",
	    NULL);
	ledger_commit(tx);
	ledger_close(l);
}

int
main(int argc, char **argv)
{
	static const char *const cats[] = { "KF", "ZX", "GC", "BJ", "YY",
		"QT" };
	struct ledger *rl, *el, *vl = NULL;
	struct ledger_tx *rtx, *etx, *vtx = NULL;
	long months, per, open, m, i, seq, key;
	char code[40], unit[11], text[32];
	time_t now, t;

	msg_init(argv[0]);
	if (argc == 5 && strcmp(argv[1], "--duty") == 0) {
		gen_duty(argv[2], atol(argv[3]), atol(argv[4]));
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "--keys") == 0) {
		gen_keys(argv[2], atol(argv[3]), atol(argv[4]));
		return 0;
	}
	if (argc == 7 && strcmp(argv[1], "--visits") == 0) {
		argc--, argv++;
		vl = ledger_open(&visit_def, argv[1]);
		vtx = ledger_begin(vl, 10);
	}
	if (argc != 6)
		die(EX_USAGE, "usage: histgen [--visits] DIR OFFICE MONTHS "
		    "PER_MONTH OPEN");
	months = atol(argv[3]);
	per = atol(argv[4]);
	open = atol(argv[5]);
	now = clock_now();
	key = clock_month_key(now);
	rl = ledger_open(&regs, argv[1]);
	el = ledger_open(&events, argv[1]);
	rtx = ledger_begin(rl, 10);
	etx = ledger_begin(el, 10);
	for (m = months; m >= 0; m--) {
		long mk = key - m;
		long n = m == 0 ? open : per;

		for (i = 0; i < n; i++) {
			const char *imp = i % 3 == 0 ? "A" : i % 3 == 1 ? "B" : "C";
			const char *cat = cats[i % 6];

			t = clock_month_start((int)(mk / 12), (int)(mk % 12) + 1) +
			    (i % 20) * DAY_SECONDS + 9 * HOUR_SECONDS + i % 3000;
			seq = ledger_tx_next_seq(rtx);
			snprintf(code, sizeof code, "%s-%s-%s-%06ld", argv[2], imp,
			    cat, seq);
			snprintf(unit, sizeof unit, "00101%05ld", i % 100000);
			snprintf(text, sizeof text, "第%ld件", seq);
			{
				const char *v[12] = { code, "complaint", unit,
					"业主", "", "phone", text, imp, cat, "0",
					"", NULL };

				ledger_add(rtx, t, "bench", t, v);
			}
			if (m == 0)
				continue;
			event(etx, t + HOUR_SECONDS, code, "forward", "", "");
			event(etx, t + 2 * HOUR_SECONDS, code, "resolve", "已处理",
			    "");
			event(etx, t + 3 * HOUR_SECONDS, code, "notify", "", "phone");
			if (vtx != NULL)
				visits(vtx, t + DAY_SECONDS, code, unit);
			event(etx, t + 4 * DAY_SECONDS, code, "close", "", "");
		}
	}
	if (vtx != NULL) {
		ledger_commit(vtx);
		ledger_close(vl);
	}
	ledger_commit(rtx);
	ledger_commit(etx);
	ledger_close(rl);
	ledger_close(el);
	return 0;
}
