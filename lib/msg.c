/*
 * msg.c - messages on stderr as "pm-xxx: what went wrong", the exit
 * statuses of SPEC 4, checked allocation and a growing buffer.
 */
#include <errno.h>
#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

const char *progname = "pm";

void
msg_init(const char *argv0)
{
	const char *slash, *dir;

	if (argv0 != NULL && *argv0 != '\0') {
		slash = strrchr(argv0, '/');
		progname = slash ? slash + 1 : argv0;
	}
	/*
	 * Only the language and the character type come from the locale:
	 * numbers are read and written with a point in every locale (CSV,
	 * the billing system's amounts), dates are ours.
	 */
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	/* Widths of Chinese text need a UTF-8 character type, even under cron. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	/*
	 * The catalogue of make install, or TEXTDOMAINDIR's (as gettext.sh
	 * knows it): the tests use the build tree's po/locale.
	 */
	dir = getenv("TEXTDOMAINDIR");
	bindtextdomain("pm-tools", dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
	/* every byte we write is UTF-8, whatever the locale's charset */
	bind_textdomain_codeset("pm-tools", "UTF-8");
	textdomain("pm-tools");
}

const char *
msg_gettext(const char *s)
{
	return gettext(s);
}

static void vmsg(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void
vmsg(const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "%s: %s\n", progname, line);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

int
errset(struct pm_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void
errdie(const struct pm_err *e)
{
	die(e->status ? e->status : EX_SOFTWARE, "%s", e->msg);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die(EX_OSERR, "%s", strerror(errno));
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die(EX_OSERR, "%s", strerror(errno));
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die(EX_OSERR, "%s", strerror(errno));
	return p;
}

void *
xgrow(void *p, size_t need, size_t *cap, size_t size)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / size)
		die(EX_OSERR, "%s", strerror(ENOMEM));
	*cap = c;
	return xrealloc(p, c * size);
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void
str_set(char *dst, size_t size, const char *src)
{
	if (size > 0 && memccpy(dst, src, '\0', size) == NULL)
		dst[size - 1] = '\0';
}

size_t
num_format(long v, int min, char out[24])
{
	char digits[24];
	size_t n = 0, i;

	if (v < 0)
		return (size_t)snprintf(out, 24, "%0*ld", min, v);
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n < (size_t)min && n < 20)
		digits[n++] = '0';
	for (i = 0; i < n; i++)
		out[i] = digits[n - 1 - i];
	out[n] = '\0';
	return n;
}

size_t
str_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Room for n more bytes and a NUL after b->len. */
char *
buf_room(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	return b->s + b->len;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_room(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		buf_add(b, small, n);
		return;
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = b->len + n + 1;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
buf_join(struct buf *b, char sep, int n, const char *const *s,
    const size_t *len)
{
	size_t room = (size_t)n;
	char *p;
	int i;

	for (i = 0; i < n; i++)
		room += len[i];
	b->len = 0;
	p = buf_room(b, room);	/* once, not string by string */
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = sep;
		memcpy(p, s[i], len[i]);
		p += len[i];
	}
	*p = '\0';
	b->len = p - b->s;
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
