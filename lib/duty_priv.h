/*
 * duty_priv.h - what duty.c (the log, the handover, the signature) shares
 * with roster.c (the roster and its swaps); duty.h stays the forms'
 * vocabulary.
 */
#ifndef DUTY_PRIV_H
#define DUTY_PRIV_H

#include "duty.h"

struct ledger *open_book(struct pm_ctx *ctx, const struct ledger_def *def);
/* 0 when name is a supervisor (pm.conf), else -1 with e. */
int check_approver(struct pm_ctx *ctx, const char *field, const char *name,
    struct pm_err *e);
/* Split "a、b;c,d" into names (at most max); how many, or -1 with e. */
int split_staff(const char *s, char out[][FIELD_NAME_MAX * 4 + 1], int max,
    const char *field, struct pm_err *e);
/* Where each column of names (then at and by, if at_by) is in l's rows. */
void cols_find(const struct ledger *l, const char *const *names, int *col,
    int at_by);
/* Field c of row r, col as cols_find made it. */
#define COL(r, col, c)	((r)->f[(col)[c]])

#endif
