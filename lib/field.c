/*
 * field.c - parse and validate one value.  Every failure is one message
 * that names the field and the rule, with the value shown safely.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pm.h"

/*
 * The length of the UTF-8 character at s[i] (i < len), or 0 when it is
 * not one: no overlong forms, no surrogates, nothing past U+10FFFF.
 */
static int
utf8_at(const unsigned char *s, size_t i, size_t len)
{
	unsigned c = s[i], cp;
	int n, k;

	if (c < 0x80)
		return 1;
	else if ((c & 0xe0) == 0xc0) {
		n = 1;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		cp = c & 0x07;
	} else
		return 0;
	if (i + n >= len)
		return 0;
	for (k = 1; k <= n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i + k] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
	    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

int
utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	int n;

	while (i < len) {
		if ((n = utf8_at(s, i, len)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A value as it may be shown in a message: printable, short. */
static const char *
shown(const char *v, size_t len, char out[96])
{
	size_t i, o = 0;

	if (!utf8_valid(v, len)) {
		snprintf(out, 96, "(%zu bytes, not UTF-8)", len);
		return out;
	}
	for (i = 0; i < len && o < 80; i++) {
		unsigned char c = v[i];

		if (c < 0x20 || c == 0x7f) {
			o += snprintf(out + o, 96 - o, "\\x%02x", c);
		} else
			out[o++] = c;
	}
	/* Do not cut a character in half. */
	while (o > 0 && i < len && ((unsigned char)out[o] & 0xc0) == 0x80)
		o--;
	out[o] = '\0';
	if (i < len && o + 4 < 96)
		strcat(out, "...");
	return out;
}

int
field_unit(struct pm_err *e, const char *field, const char *v)
{
	char sv[96];
	size_t i;

	for (i = 0; v[i]; i++)
		if (!isdigit((unsigned char)v[i]))
			break;
	if (i != 10 || v[i] != '\0')
		return errset(e, EX_DATAERR, _("%s: expected a unit code of 10 "
		    "digits (3 project + 1 group + 2 building + 4 room), got "
		    "\"%s\""), field, shown(v, strlen(v), sv));
	return 0;
}

int
field_enum(struct pm_err *e, const char *field, const char *v,
    const char *const *allowed)
{
	struct buf list = { 0 };
	char sv[96];
	int i;

	for (i = 0; allowed[i]; i++)
		if (strcmp(v, allowed[i]) == 0)
			return 0;
	for (i = 0; allowed[i]; i++) {
		if (i > 0)
			buf_adds(&list, allowed[i + 1] ? ", " : _(" or "));
		buf_adds(&list, allowed[i]);
	}
	errset(e, EX_DATAERR, _("%s: expected %s, got \"%s\""), field, list.s,
	    shown(v, strlen(v), sv));
	buf_free(&list);
	return -1;
}

int
field_count(struct pm_err *e, const char *field, const char *v, long min,
    long max, long *out)
{
	char sv[96], *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || !isdigit((unsigned char)
	    v[*v == '-' || *v == '+']))
		return errset(e, EX_DATAERR, _("%s: expected a whole number, "
		    "got \"%s\""), field, shown(v, strlen(v), sv));
	if (n < min || n > max)
		return errset(e, EX_DATAERR, _("%s: must be from %ld to %ld, "
		    "got %ld"), field, min, max, n);
	*out = n;
	return 0;
}

/* What one pass over a text finds, for check_text to judge in turn. */
struct text_seen {
	int nul, bad_utf8, filled;
	unsigned char ctl;	/* the first control character; 0: none */
	size_t chars;
};

static void
text_look(const char *v, size_t len, int newline_ok, struct text_seen *t)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i = 0;
	int n;

	memset(t, 0, sizeof *t);
	while (i < len) {
		unsigned char c = s[i];

		/* a Chinese character: three bytes, E0 A0 80 to EF BF BF */
		if ((c & 0xf0) == 0xe0 && i + 2 < len &&
		    (s[i + 1] & 0xc0) == 0x80 && (s[i + 2] & 0xc0) == 0x80 &&
		    (c != 0xe0 || s[i + 1] >= 0xa0) &&
		    (c != 0xed || s[i + 1] < 0xa0)) {
			t->filled = 1;
			t->chars++;
			i += 3;
			continue;
		}
		if (c >= 0x80) {
			if ((n = utf8_at(s, i, len)) == 0) {
				t->bad_utf8 = 1;
				t->nul = memchr(s + i, '\0', len - i) != NULL;
				return;
			}
			t->filled = 1;
			t->chars++;
			i += n;
			continue;
		}
		if (c == '\0')
			t->nul = 1;
		else if (((c < 0x20 && !(newline_ok && c == '\n')) ||
		    c == 0x7f) && t->ctl == 0)
			t->ctl = c;
		if (c != ' ' && c != '\n')
			t->filled = 1;
		t->chars++;
		i++;
	}
}

static int
check_text(struct pm_err *e, const char *field, const char *v, size_t len,
    size_t maxchars, int newline_ok)
{
	struct text_seen t;
	char sv[96];

	text_look(v, len, newline_ok, &t);
	if (t.nul)
		return errset(e, EX_DATAERR, _("%s: contains a NUL byte"), field);
	if (t.bad_utf8)
		return errset(e, EX_DATAERR, _("%s: is not valid UTF-8 text"),
		    field);
	if (t.ctl != 0)
		return errset(e, EX_DATAERR, _("%s: contains a control "
		    "character (\\x%02x)"), field, t.ctl);
	if (!t.filled)
		return errset(e, EX_DATAERR, _("%s: must not be empty"), field);
	if (t.chars > maxchars)
		return errset(e, EX_DATAERR, _("%s: longer than %zu characters "
		    "(\"%s\")"), field, maxchars, shown(v, len, sv));
	return 0;
}

int
field_name(struct pm_err *e, const char *field, const char *v)
{
	char sv[96];

	if (check_text(e, field, v, strlen(v), FIELD_NAME_MAX, 0) != 0)
		return -1;
	/* A name is a person, never a path or an option. */
	if (strpbrk(v, "/\\") != NULL || v[0] == '-' || v[0] == '.' ||
	    v[0] == ' ')
		return errset(e, EX_DATAERR, _("%s: expected a person's name, "
		    "got \"%s\""), field, shown(v, strlen(v), sv));
	return 0;
}

int
field_text(struct pm_err *e, const char *field, const char *v, size_t len,
    size_t maxchars)
{
	return check_text(e, field, v, len, maxchars, 1);
}

int
field_date(struct pm_err *e, const char *field, const char *v, time_t *t)
{
	char sv[96];

	if (clock_parse(v, t, NULL) != 0)
		return errset(e, EX_DATAERR, _("%s: expected a real date "
		    "YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], got \"%s\""), field,
		    shown(v, strlen(v), sv));
	return 0;
}

int
field_not_future(struct pm_err *e, const char *field, time_t t, time_t now)
{
	char ts[20], ns[20];

	if (t <= now)
		return 0;
	clock_format(t, ts);
	clock_format(now, ns);
	return errset(e, EX_DATAERR, _("%s: %s is in the future (now is %s)"),
	    field, ts, ns);
}

int
field_event_time(struct pm_err *e, const char *field, const char *v,
    time_t now, time_t *t)
{
	if (v == NULL || *v == '\0') {
		*t = now;
		return 0;
	}
	if (field_date(e, field, v, t) != 0 ||
	    field_not_future(e, field, *t, now) != 0)
		return -1;
	return 0;
}

int
field_all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * A document's number masked where a person reads it: each run of six
 * or more digits (an ID card's may end in X) keeps its last four, and
 * its first three when it is long; the words around it stay.
 */
void
field_mask_numbers(const char *s, struct buf *out)
{
	size_t i, n, k;

	buf_reset(out);
	buf_add(out, "", 0);
	while (*s) {
		n = strspn(s, "0123456789");
		if (n > 0 && (s[n] == 'X' || s[n] == 'x'))
			n++;
		if (n < 6) {
			buf_add(out, s, n > 0 ? n : 1);
			s += n > 0 ? n : 1;
			continue;
		}
		k = n >= 11 ? 3 : 0;
		buf_add(out, s, k);
		for (i = k; i < n - 4; i++)
			buf_add(out, "*", 1);
		buf_add(out, s + n - 4, 4);
		s += n;
	}
}

/* A mainland mobile (1[3-9] and 9 digits) or a landline (0AA[A]-NNNNNNN[N]). */
int
field_masked(const char *v)
{
	size_t head = strspn(v, "0123456789"), stars = strspn(v + head, "*");

	return stars >= 4 && v[head + stars + strspn(v + head + stars,
	    "0123456789")] == '\0';
}

int
field_phone(struct pm_err *e, const char *field, const char *p)
{
	size_t n = strlen(p);
	const char *dash = strchr(p, '-');
	int ok;

	if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' &&
	    field_all_digits(p, n))
		ok = 1;
	else if (p[0] != '0')
		ok = 0;
	else if (dash) {
		size_t area = dash - p, local = strlen(dash + 1);

		ok = area >= 3 && area <= 4 && field_all_digits(p, area) &&
		    local >= 7 && local <= 8 && field_all_digits(dash + 1, local);
	} else
		ok = n >= 10 && n <= 12 && field_all_digits(p, n);
	if (!ok)
		return errset(e, EX_DATAERR, _("%s: expected a phone number (a "
		    "mobile of 11 digits, or 0AA-NNNNNNNN), got \"%.40s\""),
		    field, p);
	return 0;
}

#define YUAN_MAX_FEN (10000000 * 100L)

int
field_fen(const char *s, long *fen)
{
	long yuan = 0, cents = 0;
	const char *p = s;
	int digits = 0, dec = 0;

	if (*p == '\0')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (yuan > YUAN_MAX_FEN / 100)
			return -1;
		yuan = yuan * 10 + (*p - '0');
	}
	if (digits == 0)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && dec < 3; p++, dec++)
			cents = cents * 10 + (*p - '0');
		if (dec == 0 || dec > 2)
			return -1;
		if (dec == 1)
			cents *= 10;
	}
	if (*p != '\0')
		return -1;
	*fen = yuan * 100 + cents;
	return *fen <= YUAN_MAX_FEN ? 0 : -1;
}

int
field_yuan(struct pm_err *e, const char *field, const char *v, long *fen)
{
	char sv[96];

	if (field_fen(v, fen) == 0)
		return 0;
	return errset(e, EX_DATAERR, _("%s: expected a non-negative amount in "
	    "yuan like 350 or 1200.50, got \"%s\""), field, shown(v, strlen(v),
	    sv));
}

int
field_required(struct pm_err *e, const char *option, const char *v)
{
	if (v == NULL || *v == '\0')
		return errset(e, EX_USAGE, _("%s is required (try '%s --help')"),
		    option, progname);
	return 0;
}

int
field_day_over(struct pm_err *e, const char *date, time_t now, time_t *t)
{
	int timed = 0;

	if (date == NULL)
		*t = clock_add_days(clock_day_start(now), -1);
	else if (clock_parse(date, t, &timed) != 0 || timed)
		return errset(e, EX_DATAERR, _("--date: expected a real date "
		    "YYYY-MM-DD, got \"%s\""), date);
	return *t >= clock_day_start(now) ? 1 : 0;
}
