/*
 * histgen - write years of complaint history for `make bench`.
 *
 *   histgen DIR OFFICE MONTHS PER_MONTH OPEN
 *
 * Each of the MONTHS months before PM_NOW's month gets PER_MONTH
 * complaints, each registered, resolved, told and closed within the
 * month (four rows); then OPEN complaints are registered this month and
 * left open.  The rows go through the ledger library as one batch a
 * book, the way an import writes, so the chain is the real one.  The
 * columns are pm-files(5)'s; a mismatch makes the ledger refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm.h"

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

int
main(int argc, char **argv)
{
	static const char *const cats[] = { "KF", "ZX", "GC", "BJ", "YY",
		"QT" };
	struct ledger *rl, *el;
	struct ledger_tx *rtx, *etx;
	long months, per, open, m, i, seq, key;
	char code[40], unit[11], text[32];
	time_t now, t;

	msg_init(argv[0]);
	if (argc != 6)
		die(EX_USAGE, "usage: histgen DIR OFFICE MONTHS PER_MONTH OPEN");
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
			event(etx, t + 4 * DAY_SECONDS, code, "close", "", "");
		}
	}
	ledger_commit(rtx);
	ledger_commit(etx);
	ledger_close(rl);
	ledger_close(el);
	return 0;
}
