/*
 * visit_priv.h - what visit.c (the procedure: windows, folds, writes,
 * rates) shares with visitlist.c (the whole history, item by item);
 * visit.h stays the forms' vocabulary.
 */
#ifndef VISIT_PRIV_H
#define VISIT_PRIV_H

#include "visit.h"

/* The visit book's columns (after seq and at), and their places. */
extern const char *const visit_cols[];
enum { V_EVENT, V_REF, V_TYPE, V_UNIT, V_DONE, V_END, V_WINDOW, V_VISITOR,
	V_QUALITY, V_ATTITUDE, V_SATISFACTION, V_SUGGESTION, V_SIGNED,
	V_VERDICT, V_COMMENT, V_COMPLAINT, V_NCOLS };

/* A complaint's handling as an item, its sheets laid out. */
void handling_item(struct visit_item *it, const char *code, const char *unit,
    const char *importance, const char *category, time_t done);
/* A service row's item (its values by V_), its sheets laid out. */
void service_item(struct visit_item *it, const char *const *v);
/*
 * A sheet row's values (by V_) on the sheet of its window; its names kept
 * once in b, or not kept when b is NULL (then they outlive the item).
 */
void sheet_apply(struct visit_book *b, struct visit_item *it,
    const char *const *v, const char *by, time_t at);

#endif
