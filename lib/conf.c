/*
 * conf.c - pm.conf, the office's settings (SPEC 3): "key = value" lines
 * and "#" comments.  Unknown keys and bad values are errors naming the
 * line; a missing file means the defaults.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pm.h"

static const char *const default_departments =
    "客服部,工程部,秩序部,保洁部,绿化部,营销部,售楼部";

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * Split a list on ",", "，" or "、" into trimmed, non-empty names.
 * Returns the count, or -1 when there are too many or a name is bad.
 */
static int
split_names(const char *v, char **out, int max, const char *key,
    struct pm_err *e)
{
	char *copy = xstrdup(v), *p = copy, *item;
	int n = 0;

	while (p != NULL) {
		char *sep = NULL, *c;
		size_t seplen = 0;

		for (c = p; *c; c++) {
			if (*c == ',') {
				sep = c, seplen = 1;
				break;
			}
			if (strncmp(c, "，", 3) == 0 || strncmp(c, "、", 3) == 0) {
				sep = c, seplen = 3;
				break;
			}
		}
		if (sep)
			*sep = '\0';
		item = trim(p);
		p = sep ? sep + seplen : NULL;
		if (*item == '\0')
			continue;
		if (n == max || field_name(e, key, item) != 0) {
			int full = n == max;

			free(copy);
			while (n > 0)	/* the names taken so far */
				free(out[--n]);
			if (full)
				return errset(e, EX_CONFIG, _("%s: more than %d "
				    "names"), key, max);
			return -1;
		}
		out[n++] = xstrdup(item);
	}
	free(copy);
	return n;
}

static int
parse_holidays(struct conf *c, const char *v, struct pm_err *e)
{
	char *copy = xstrdup(v), *save = NULL, *item;
	int rc = 0;

	c->nholidays = 0;
	for (item = strtok_r(copy, ",", &save); item;
	    item = strtok_r(NULL, ",", &save)) {
		char *dots, *from = trim(item), *to;
		int timed = 0;

		if (*from == '\0')
			continue;
		dots = strstr(from, "..");
		to = from;
		if (dots) {
			*dots = '\0';
			to = trim(dots + 2);
			from = trim(from);
		}
		if (c->nholidays == CONF_HOLIDAYS_MAX) {
			rc = errset(e, EX_CONFIG, _("holidays: more than %d "
			    "entries"), CONF_HOLIDAYS_MAX);
			break;
		}
		if (clock_parse(from, &c->holidays[c->nholidays].from, &timed)
		    != 0 || timed || clock_parse(to,
		    &c->holidays[c->nholidays].to, &timed) != 0 || timed ||
		    c->holidays[c->nholidays].to <
		    c->holidays[c->nholidays].from) {
			rc = errset(e, EX_CONFIG, _("holidays: expected dates "
			    "YYYY-MM-DD or ranges YYYY-MM-DD..YYYY-MM-DD, got "
			    "\"%s\""), item);
			break;
		}
		c->nholidays++;
	}
	free(copy);
	return rc;
}

static int
parse_duty_hours(struct conf *c, const char *v, struct pm_err *e)
{
	char from[8], to[8];
	const char *dash = strchr(v, '-');

	if (strcmp(v, "24h") == 0) {
		c->duty_start = 0;
		c->duty_end = 24 * 60;
		return 0;
	}
	if (dash == NULL || dash - v >= (long)sizeof from ||
	    strlen(dash + 1) >= sizeof to)
		goto bad;
	memcpy(from, v, dash - v);
	from[dash - v] = '\0';
	strcpy(to, dash + 1);
	if (clock_parse_hm(trim(from), &c->duty_start) != 0 ||
	    clock_parse_hm(trim(to), &c->duty_end) != 0 ||
	    c->duty_start == 24 * 60)
		goto bad;
	return 0;
bad:
	return errset(e, EX_CONFIG, _("duty_hours: expected HH:MM-HH:MM "
	    "(e.g. 17:30-08:30) or 24h, got \"%s\""), v);
}

static int
parse_office(struct conf *c, const char *v, struct pm_err *e)
{
	size_t i, n = strlen(v);

	for (i = 0; i < n; i++)
		if (!isupper((unsigned char)v[i]) && !isdigit((unsigned char)v[i]))
			break;
	if (n < 2 || n > 8 || i != n)
		return errset(e, EX_CONFIG, _("office: expected 2-8 letters A-Z "
		    "or digits, got \"%s\""), v);
	strcpy(c->office, v);
	return 0;
}

static int
parse_number(long *out, const char *key, const char *v, long min, long max,
    struct pm_err *e)
{
	if (field_count(e, key, v, min, max, out) != 0) {
		e->status = EX_CONFIG;
		return -1;
	}
	return 0;
}

static void
free_names(char **names, int *n)
{
	while (*n > 0)
		free(names[--*n]);
}

static int
set_key(struct conf *c, const char *key, const char *v, struct pm_err *e)
{
	int n;

	if (strcmp(key, "office") == 0)
		return parse_office(c, v, e);
	if (strcmp(key, "households") == 0)
		return parse_number(&c->households, key, v, 0, 1000000, e);
	if (strcmp(key, "loan_days") == 0)
		return parse_number(&c->loan_days, key, v, 1, 365, e);
	if (strcmp(key, "large_client") == 0) {
		long yuan;

		if (parse_number(&yuan, key, v, 0, 100000000, e) != 0)
			return -1;
		c->large_client_fen = yuan * 100;
		return 0;
	}
	if (strcmp(key, "parcel_days") == 0)
		return parse_number(&c->parcel_days, key, v, 1, 365, e);
	if (strcmp(key, "reno_refund_days") == 0)
		/* SPEC 2.8: 1 day (seed 002), at most three months (seed 003) */
		return parse_number(&c->reno_refund_days, key, v, 1, 92, e);
	if (strcmp(key, "lock_timeout") == 0)
		return parse_number(&c->lock_timeout, key, v, 0, 3600, e);
	if (strcmp(key, "activity_visit_target") == 0)
		return parse_number(&c->activity_visit_target, key, v, 0, 100, e);
	if (strcmp(key, "shared") == 0) {
		/* as git's core.sharedRepository: group, or the default */
		if (strcmp(v, "group") == 0 || strcmp(v, "no") == 0) {
			c->shared = v[0] == 'g';
			return 0;
		}
		return errset(e, EX_CONFIG, _("shared: expected group or no, "
		    "got \"%.20s\""), v);
	}
	if (strcmp(key, "require_signed_reviews") == 0) {
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
			c->require_signed = v[0] == 'y';
			return 0;
		}
		return errset(e, EX_CONFIG, _("require_signed_reviews: expected "
		    "yes or no, got \"%.20s\""), v);
	}
	if (strcmp(key, "duty_hours") == 0)
		return parse_duty_hours(c, v, e);
	if (strcmp(key, "holidays") == 0)
		return parse_holidays(c, v, e);
	if (strcmp(key, "departments") == 0) {
		free_names(c->departments, &c->ndepartments);
		n = split_names(v, c->departments, CONF_LIST_MAX, key, e);
		if (n <= 0)
			return n == 0 ? errset(e, EX_CONFIG, _("departments: "
			    "the list is empty")) : -1;
		c->ndepartments = n;
		return 0;
	}
	if (strcmp(key, "supervisors") == 0 || strcmp(key, "responsible") == 0) {
		char **names = key[0] == 's' ? c->supervisors : c->responsible;
		int *count = key[0] == 's' ? &c->nsupervisors : &c->nresponsible;

		free_names(names, count);
		n = split_names(v, names, CONF_LIST_MAX, key, e);
		if (n < 0)
			return -1;
		*count = n;
		return 0;
	}
	if (strcmp(key, "manager") == 0 ||
	    strcmp(key, "quality_supervisor") == 0) {
		char **slot = key[0] == 'm' ? &c->manager :
		    &c->quality_supervisor;

		if (*v != '\0' && field_name(e, key, v) != 0)
			return -1;
		free(*slot);
		*slot = *v ? xstrdup(v) : NULL;
		return 0;
	}
	return errset(e, EX_CONFIG, _("unknown key \"%s\""), key);
}

static void
conf_defaults(struct conf *c)
{
	struct pm_err e;

	memset(c, 0, sizeof *c);
	strcpy(c->office, "PM");
	c->duty_start = 17 * 60 + 30;
	c->duty_end = 8 * 60 + 30;
	c->loan_days = 7;
	c->parcel_days = 7;	/* SPEC 2.7: a second notice after a week */
	c->reno_refund_days = 1;	/* SPEC 2.8: the deposit the next day */
	c->lock_timeout = 10;
	c->activity_visit_target = 10;
	c->ndepartments = split_names(default_departments, c->departments,
	    CONF_LIST_MAX, "departments", &e);
}

/*
 * A key set twice is a mistake to show, not a value to take silently
 * (holidays may be listed on several lines).  seen: "\nkey=line" each.
 */
static int
conf_seen(struct buf *seen, const char *key, long lineno, struct pm_err *e)
{
	struct buf probe = { 0 };
	const char *at;
	int rc = 0;

	if (strcmp(key, "holidays") == 0)
		return 0;
	buf_addf(&probe, "\n%s=", key);
	at = seen->s ? strstr(seen->s, probe.s) : NULL;
	if (at != NULL)
		rc = errset(e, EX_CONFIG, _("pm.conf:%ld: %s is set twice (first "
		    "on line %ld)"), lineno, key, atol(at + probe.len));
	else
		buf_addf(seen, "%s%ld", probe.s, lineno);
	buf_free(&probe);
	return rc;
}

int
conf_load(struct conf *c, const char *dir, struct pm_err *e)
{
	struct buf path = { 0 }, seen = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	FILE *fp;
	int rc = 0;

	conf_defaults(c);
	buf_addf(&path, "%s/pm.conf", dir);
	fp = fopen(path.s, "r");
	if (fp == NULL) {
		buf_free(&path);
		if (errno == ENOENT)
			return 0;
		return errset(e, EX_CONFIG, "%s/pm.conf: %s", dir,
		    strerror(errno));
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *s, *eq, *key, *val;

		lineno++;
		if (memchr(line, '\0', len) != NULL) {
			rc = errset(e, EX_CONFIG, _("pm.conf:%ld: contains a NUL "
			    "byte"), lineno);
			break;
		}
		s = trim(line);
		if (*s == '#' || *s == '\0')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			rc = errset(e, EX_CONFIG, _("pm.conf:%ld: expected "
			    "\"key = value\""), lineno);
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (conf_seen(&seen, key, lineno, e) != 0) {
			rc = -1;
			break;
		}
		if (!utf8_valid(val, strlen(val)) || set_key(c, key, val, e)) {
			char inner[sizeof e->msg];

			if (!utf8_valid(val, strlen(val)))
				snprintf(e->msg, sizeof e->msg, _("%s: not "
				    "valid UTF-8"), key);
			snprintf(inner, sizeof inner, "%s", e->msg);
			rc = errset(e, EX_CONFIG, "pm.conf:%ld: %s", lineno,
			    inner);
			break;
		}
	}
	free(line);
	fclose(fp);
	buf_free(&path);
	buf_free(&seen);
	return rc;
}

void
conf_free(struct conf *c)
{
	free_names(c->departments, &c->ndepartments);
	free_names(c->supervisors, &c->nsupervisors);
	free_names(c->responsible, &c->nresponsible);
	free(c->manager);
	free(c->quality_supervisor);
	c->manager = c->quality_supervisor = NULL;
}

int
conf_is_holiday(const struct conf *c, time_t day)
{
	time_t d = clock_day_start(day);
	int i;

	for (i = 0; i < c->nholidays; i++)
		if (d >= c->holidays[i].from && d <= c->holidays[i].to)
			return 1;
	return 0;
}

int
conf_is_manager(const struct conf *c, const char *name)
{
	return c->manager == NULL || strcmp(c->manager, name) == 0;
}

/* Is dept one of pm.conf's departments? */
int
conf_is_department(const struct conf *c, const char *dept)
{
	int i;

	for (i = 0; i < c->ndepartments; i++)
		if (strcmp(c->departments[i], dept) == 0)
			return 1;
	return 0;
}

int
conf_is_supervisor(const struct conf *c, const char *name)
{
	int i;

	if (c->nsupervisors == 0)
		return 1;
	for (i = 0; i < c->nsupervisors; i++)
		if (strcmp(c->supervisors[i], name) == 0)
			return 1;
	/* The manager outranks the supervisors. */
	return c->manager != NULL && strcmp(c->manager, name) == 0;
}

/*
 * SPEC 2.8: the office's responsible person (治理处责任人) reviews
 * renovations and organises their acceptance; without one named, the
 * manager's rule applies.
 */
int
conf_is_responsible(const struct conf *c, const char *name)
{
	int i;

	if (c->nresponsible == 0)
		return conf_is_manager(c, name);
	for (i = 0; i < c->nresponsible; i++)
		if (strcmp(c->responsible[i], name) == 0)
			return 1;
	return c->manager != NULL && strcmp(c->manager, name) == 0;
}
