/*
 * check.h - the supervisor's daily check (SPEC 2.1; seed 001/002: 客服
 * 主管每天审核《接待业主情况记录》, 检查《投诉登记表》): a supervisor
 * checks and signs a day's complaint and request registers, as pm-duty
 * review signs the duty log: the heads of the three books are anchored
 * (reason check, the day as subject), and may be signed with her SSH key.
 */
#ifndef CHECK_H
#define CHECK_H

#include "pm.h"

#define CHECK_ID_MAX 16

/* date: the day (default yesterday); key: sign with it, or NULL. */
int check_registers(struct pm_ctx *ctx, const char *by, const char *date,
    const char *key, char *id, struct pm_err *e);
/*
 * The days of the ndays before day not checked yet, oldest first, into
 * days (YYYY-MM-DD); how many.
 */
int check_missing(struct pm_ctx *ctx, time_t day, int ndays,
    char (*days)[11]);

#endif
