/*
 * complaint_priv.h - what complaint.c (the books, folding, registration)
 * shares with compstep.c (the rules of each step), compstats.c (the
 * deadlines and a month's figures), compimport.c (a backlog imported)
 * and compform.c (the printed form);
 * complaint.h stays the forms' vocabulary.
 */
#ifndef COMPLAINT_PRIV_H
#define COMPLAINT_PRIV_H

#include "complaint.h"

/* the columns of complaints.csv and requests.csv, as reg_cols names them */
enum { R_CODE, R_KIND, R_UNIT, R_NAME, R_PHONE, R_CHANNEL, R_TEXT,
	R_IMPORTANCE, R_CATEGORY, R_COSIGNERS, R_REQUESTED, R_NCOLS };

/* the columns of complaint_events.csv, as ev_cols names them */
enum { E_CODE, E_STEP, E_TO, E_DEPT, E_TEXT, E_VALID, E_IMPORTANCE,
	E_UNTIL, E_COST, E_APPROVED, E_HOW, E_REASON, E_NCOLS };

#define COSIGNED_MAJOR 3	/* SPEC 2.1: 3 or more co-signers make it A */

/* the channels a complaint comes by in writing, acknowledged in writing */
extern const char *const complaint_written_channels[];

int complaint_in_list(const char *v, const char *const *list);

/*
 * Validate step s against complaint c as it stands and fill v, the
 * event's row (cost and until its buffers); -1 with e set when the
 * procedure does not allow it.
 */
int complaint_check_step(struct pm_ctx *ctx, struct complaint *c,
    const struct complaint_step *s, const char **v, char *cost, char *until,
    struct pm_err *e);

#endif
