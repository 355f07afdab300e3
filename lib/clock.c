/*
 * clock.c - the one clock (PM_NOW) and the one date parser of pm-tools.
 *
 * SPEC 4: dates are YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] local time,
 * months YYYY-MM, quarters YYYYQn.  A date that does not exist
 * (2026-02-30, 24:61, 2026-13) is refused, never normalised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pm.h"

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
clock_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && is_leap(year));
}

/* Does s match the shape, where 'd' is a digit and anything else itself? */
static int
shaped(const char *s, const char *shape)
{
	for (; *shape; s++, shape++) {
		if (*shape == 'd') {
			if (*s < '0' || *s > '9')	/* isdigit's, no table */
				return 0;
		} else if (*s != *shape)
			return 0;
	}
	return *s == '\0';
}

/*
 * mktime once an hour of the calendar: a book's rows come in time order,
 * and mktime looks at the zone file on every call.  Within an hour the
 * local clock runs evenly.
 */
static time_t
make_local(int y, int mo, int d, int h, int mi, int s)
{
	/*
	 * rows of a few hours interleave: one slot an hour, 256 of them;
	 * a thread of its own (an import's parser checks dates) has its own
	 */
	static _Thread_local struct {
		long hour;
		time_t base;
	} seen[256];
	long hour = (((long)y * 13 + mo) * 32 + d) * 24 + h;
	size_t k = (size_t)hour % (sizeof seen / sizeof seen[0]);
	struct tm tm;

	if (seen[k].hour != hour + 1) {		/* 0: an empty slot */
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_isdst = -1;
		seen[k].base = mktime(&tm);
		if (seen[k].base == (time_t)-1) {
			seen[k].hour = 0;
			return -1;
		}
		seen[k].hour = hour + 1;
	}
	return seen[k].base + mi * 60 + s;
}

/* n digits at s, already checked by shaped() */
static int
digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/*
 * The minutes and seconds of a time whose hour is the last one parsed
 * on this thread ("YYYY-MM-DD HH:" the same, a book's or a file's rows
 * in time order): the hour's start plus them, as make_local adds them.
 * -1: not that hour, or not the shape.
 */
static _Thread_local struct {
	char hour[14];
	time_t base;
} last_hour;

static int
same_hour(const char *s, size_t n, time_t *t)
{
	int mi, sec = 0;

	if ((n != 16 && n != 19) || last_hour.hour[0] == '\0' ||
	    memcmp(s, last_hour.hour, 14) != 0 ||
	    !shaped(s + 14, n == 16 ? "dd" : "dd:dd"))
		return -1;
	mi = digits(s + 14, 2);
	if (n == 19)
		sec = digits(s + 17, 2);
	if (mi > 59 || sec > 59)
		return -1;
	*t = last_hour.base + mi * 60 + sec;
	return 0;
}

int
clock_parse(const char *s, time_t *t, int *has_time)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, timed = 1;
	size_t n;

	if (s == NULL)
		return -1;
	n = strnlen(s, 20);	/* each shape by its length */
	if (same_hour(s, n, t) == 0) {
		if (has_time)
			*has_time = 1;
		return 0;
	}
	if (n == 10 && shaped(s, "dddd-dd-dd"))
		timed = 0;
	else if (n == 19 && (shaped(s, "dddd-dd-dd dd:dd:dd") ||
	    shaped(s, "dddd-dd-ddTdd:dd:dd")))
		sec = digits(s + 17, 2);
	else if (n != 16 || (!shaped(s, "dddd-dd-dd dd:dd") &&
	    !shaped(s, "dddd-dd-ddTdd:dd")))
		return -1;
	/* fixed places: YYYY-MM-DD HH:MM:SS */
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (timed) {
		h = digits(s + 11, 2);
		mi = digits(s + 14, 2);
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > clock_days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		return -1;
	*t = make_local(y, mo, d, h, mi, sec);
	if (*t == (time_t)-1)
		return -1;
	if (timed) {
		memcpy(last_hour.hour, s, 14);
		last_hour.base = *t - mi * 60 - sec;
	}
	if (has_time)
		*has_time = timed;
	return 0;
}

int
clock_parse_month(const char *s, int *year, int *month)
{
	if (s == NULL || !shaped(s, "dddd-dd"))
		return -1;
	sscanf(s, "%d-%d", year, month);
	if (*year < 1970 || *month < 1 || *month > 12)
		return -1;
	return 0;
}

int
clock_parse_quarter(const char *s, int *year, int *quarter)
{
	if (s == NULL || !(shaped(s, "ddddQd") || shaped(s, "ddddqd")))
		return -1;
	*year = atoi(s);
	*quarter = s[5] - '0';
	if (*year < 1970 || *quarter < 1 || *quarter > 4)
		return -1;
	return 0;
}

int
clock_parse_hm(const char *s, int *minutes)
{
	int h, m;

	if (s == NULL || !shaped(s, "dd:dd"))
		return -1;
	sscanf(s, "%d:%d", &h, &m);
	/* 24:00 is the end of a day, allowed as an end time. */
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/*
 * Without TZ, glibc looks at /etc/localtime again (a stat) on every
 * mktime, and a report makes thousands: the same zone named in TZ is
 * read once.  A TZ that is set is left alone.
 */
void
clock_zone_once(void)
{
	if (getenv("TZ") == NULL)
		setenv("TZ", ":/etc/localtime", 1);
	tzset();
}

time_t
clock_now(void)
{
	static time_t now = (time_t)-1;
	const char *env;

	if (now != (time_t)-1)
		return now;
	env = getenv("PM_NOW");
	if (env != NULL && *env != '\0') {
		if (clock_parse(env, &now, NULL) != 0)
			die(EX_USAGE, _("PM_NOW: expected YYYY-MM-DD HH:MM[:SS], "
			    "got \"%s\""), env);
	} else
		now = time(NULL);
	return now;
}

/*
 * The local hour that began at UTC second h, when it is a whole local
 * hour at one offset (the zone's offset is whole hours then, and does
 * not change within it): its "YYYY-MM-DD HH:" in s.  0: it is not.
 */
static int
whole_hour(time_t h, char s[20])
{
	struct tm a, b;
	time_t end = h + 3599;

	if (localtime_r(&h, &a) == NULL || localtime_r(&end, &b) == NULL ||
	    a.tm_min != 0 || a.tm_sec != 0 || a.tm_gmtoff != b.tm_gmtoff)
		return 0;
	strftime(s, 20, "%Y-%m-%d %H:%M:%S", &a);
	return 1;
}

/* t as localtime and strftime write it, remembered a minute at a time. */
static void
format_minute(time_t t, char out[20])
{
	static _Thread_local struct {
		time_t min;
		char s[20];
	} seen[2] = { { -1, "" }, { -1, "" } };
	static _Thread_local int next;
	struct tm tm;
	int i;

	/* two remembered, as a row's time and its written_at alternate */
	for (i = 0; i < 2 && seen[i].min != t / 60; i++)
		;
	if (i == 2) {
		i = next;
		next = !next;
		localtime_r(&t, &tm);
		strftime(seen[i].s, sizeof seen[i].s, "%Y-%m-%d %H:%M:%S", &tm);
		seen[i].min = t / 60;
	}
	memcpy(out, seen[i].s, 20);
	out[17] = '0' + (int)(t % 60) / 10;
	out[18] = '0' + (int)(t % 60) % 10;
}

/*
 * localtime once an hour: rows written together share it, and glibc
 * reads a zone's rule (with sscanf) on every call past its last
 * transition.  Two hours remembered, as a row's time and its written_at
 * alternate; a zone whose hours are not whole is remembered a minute at
 * a time.
 */
void
clock_format(time_t t, char out[20])
{
	static _Thread_local struct {
		time_t hour;	/* -1: none; else its first second */
		int whole;
		char s[20];
	} seen[2] = { { -1, 0, "" }, { -1, 0, "" } };
	static _Thread_local int next;
	time_t h = t - t % 3600;
	int i, d;

	if (t < 0) {
		format_minute(t, out);
		return;
	}
	for (i = 0; i < 2 && seen[i].hour != h; i++)
		;
	if (i == 2) {
		i = next;
		next = !next;
		seen[i].hour = h;
		seen[i].whole = whole_hour(h, seen[i].s);
	}
	if (!seen[i].whole) {
		format_minute(t, out);
		return;
	}
	d = (int)(t - h);
	memcpy(out, seen[i].s, 20);
	out[14] = '0' + d / 600;
	out[15] = '0' + d / 60 % 10;
	out[17] = '0' + d % 60 / 10;
	out[18] = '0' + d % 10;
}

void
clock_format_date(time_t t, char out[11])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

time_t
clock_day_start(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return make_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, 0, 0, 0);
}

time_t
clock_add_days(time_t t, int days)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return make_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday + days,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

time_t
clock_month_start(int year, int month)
{
	return make_local(year, month, 1, 0, 0, 0);
}

long
clock_month_key(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return (long)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

time_t
clock_month_end(int year, int month)
{
	return make_local(year, month + 1, 1, 0, 0, 0);
}

int
clock_same_day(time_t a, time_t b)
{
	return clock_day_start(a) == clock_day_start(b);
}

int
clock_minutes_of_day(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_hour * 60 + tm.tm_min;
}

int
clock_weekday(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_wday == 0 ? 7 : tm.tm_wday;
}

time_t
clock_week_start(time_t t)
{
	return clock_add_days(clock_day_start(t), -(clock_weekday(t) - 1));
}
