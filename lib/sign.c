/*
 * sign.c - SSH signatures of chain heads (SPEC 3 "Witnessed").
 *
 * A supervisor signs the head her review records with her own SSH key,
 * by ssh-keygen -Y sign in the namespace "pm-tools" (the mechanism git
 * uses for SSH-signed commits); verify checks it with ssh-keygen -Y
 * verify against allowed_signers in the data directory, which the
 * manager keeps.  The text signed is the anchor's fields, a line each;
 * the signature is signatures/BOOK-REASON-SUBJECT.sig beside the books.
 * An anchor whose reason ends in "+ssh" says it was signed, so a
 * signature removed is damage too.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pm.h"

#define SIGN_NAMESPACE "pm-tools"

static int require_signed;

void
sign_require(int on)
{
	require_signed = on;
}

void
sign_text(const struct anchor *a, struct buf *b)
{
	buf_addf(b, "pm-tools signed head\nbook: %s\nseq: %ld\nhead: %s\n"
	    "reason: %s\nsubject: %s\nby: %s\nat: %s\n", a->ledger, a->seq,
	    a->head, a->reason, a->subject, a->by, a->at);
}

void
sign_path(const char *dir, const struct anchor *a, struct buf *b)
{
	size_t n = strcspn(a->reason, "+");

	buf_addf(b, "%s/signatures/%s-%.*s-%s.sig", dir, a->ledger, (int)n,
	    a->reason, a->subject);
}

/*
 * ssh-keygen with in on its standard input; its standard output in out,
 * the last line it said on standard error in err.  Its exit status, or
 * -1 when it could not be run.
 */
static int
run(char *const argv[], const char *in, struct buf *out, struct buf *err)
{
	int pin[2], pout[2], perr[2], st;
	char chunk[4096];
	void (*was)(int);
	ssize_t n;
	pid_t pid;

	if (pipe(pin) != 0 || pipe(pout) != 0 || pipe(perr) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[1]); close(pout[0]); close(perr[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pin[0]); close(pout[1]); close(perr[1]);
	/*
	 * A head's text is far below a pipe's buffer: no deadlock.  A child
	 * that is gone before it reads is no signal of ours: its status says.
	 */
	was = signal(SIGPIPE, SIG_IGN);
	if (write(pin[1], in, strlen(in)) < 0) {
		/* the child is gone: waitpid says why */
	}
	signal(SIGPIPE, was);
	close(pin[1]);
	while ((n = read(pout[0], chunk, sizeof chunk)) > 0)
		buf_add(out, chunk, (size_t)n);
	while ((n = read(perr[0], chunk, sizeof chunk)) > 0)
		buf_add(err, chunk, (size_t)n);
	close(pout[0]); close(perr[0]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* What ssh-keygen said last, for a message. */
static const char *
last_line(struct buf *err)
{
	char *end, *start;

	if (err->s == NULL)
		return "";
	end = err->s + err->len;
	while (end > err->s && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	start = strrchr(err->s, '\n');
	return start ? start + 1 : err->s;
}

const char *
sign_key(const char *given, struct buf *b)
{
	const char *env = getenv("PM_SIGNING_KEY"), *home = getenv("HOME");

	if (given != NULL && *given)
		return given;
	if (env != NULL && *env)
		return env;
	/* as git's user.signingKey falls back to the default key */
	buf_addf(b, "%s/.ssh/id_ed25519", home ? home : "");
	return b->s;
}

int
sign_make(const char *key, const char *text, struct buf *sig,
    struct pm_err *e)
{
	char *argv[] = { "ssh-keygen", "-q", "-Y", "sign", "-f", (char *)key,
		"-n", SIGN_NAMESPACE, NULL };
	struct buf err = { 0 };
	int rc;

	if (access(key, R_OK) != 0) {
		rc = errset(e, EX_DATAERR, _("--key: %s: %s (--key FILE, "
		    "$PM_SIGNING_KEY or ~/.ssh/id_ed25519)"), key, strerror(errno));
		return rc;
	}
	rc = run(argv, text, sig, &err);
	if (rc != 0 || sig->len == 0)
		rc = errset(e, rc < 0 ? EX_OSERR : EX_DATAERR, _("--sign: "
		    "ssh-keygen -Y sign with %s failed: %s"), key, rc < 0 ?
		    _("ssh-keygen could not be run (openssh-client)") :
		    last_line(&err));
	buf_free(&err);
	return rc ? -1 : 0;
}

/* sig into a file of its own, synced, then renamed into place. */
int
sign_store(const char *path, const struct buf *sig, struct pm_err *e)
{
	struct buf dir = { 0 }, tmp = { 0 };
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	buf_addf(&dir, "%.*s", (int)(slash - path), path);
	if (files_mkdir(dir.s, 0750) != 0 ||
	    (fd = files_temp(path, &tmp, 0640)) < 0)
		rc = errset(e, EX_CANTCREAT, "%s: %s", path, strerror(errno));
	else {
		if (write(fd, sig->s, sig->len) != (ssize_t)sig->len ||
		    fsync(fd) != 0 || rename(tmp.s, path) != 0)
			rc = errset(e, EX_IOERR, "%s: %s", path, strerror(errno));
		close(fd);
		if (rc)
			unlink(tmp.s);
	}
	buf_free(&dir);
	buf_free(&tmp);
	return rc;
}

/* What an anchor's signer signed, as a person reads it. */
static const char *
signed_what(const struct anchor *a)
{
	return strncmp(a->reason, "check", 5) == 0 ? _("check") : _("review");
}

/* One signed anchor: its signature there, good, by an allowed signer. */
int
sign_check(const char *dir, const struct anchor *a, struct pm_err *e)
{
	struct buf path = { 0 }, allowed = { 0 }, text = { 0 }, out = { 0 },
	    err = { 0 };
	int rc = 0, st;

	sign_path(dir, a, &path);
	buf_addf(&allowed, "%s/allowed_signers", dir);
	sign_text(a, &text);
	if (access(path.s, R_OK) != 0)
		rc = errset(e, EX_DATAERR, _("%s: the %s of %s by %s was signed, "
		    "and its signature %s is gone"), a->ledger, signed_what(a),
		    a->subject, a->by, path.s);
	else if (access(allowed.s, R_OK) != 0)
		rc = errset(e, EX_DATAERR, _("%s: the %s of %s by %s is signed, "
		    "and there is no %s to check it against"), a->ledger,
		    signed_what(a), a->subject, a->by, allowed.s);
	else {
		char *argv[] = { "ssh-keygen", "-Y", "verify", "-f", allowed.s,
			"-I", (char *)a->by, "-n", SIGN_NAMESPACE, "-s", path.s,
			NULL };

		if ((st = run(argv, text.s, &out, &err)) != 0)
			rc = errset(e, EX_DATAERR, _("%s: the signature of the "
			    "%s of %s by %s does not hold (row %ld, %.16s): %s"),
			    a->ledger, signed_what(a), a->subject, a->by, a->seq,
			    a->head, st < 0 ?
			    _("ssh-keygen could not be run (openssh-client)") :
			    *last_line(&err) ? last_line(&err) : last_line(&out));
	}
	buf_free(&path); buf_free(&allowed); buf_free(&text);
	buf_free(&out); buf_free(&err);
	return rc;
}

struct sign_scan {
	const char *dir;
	struct pm_err *e;
	long good, signed_before;
	int rc;
};

static int
scan_anchor(const struct anchor *a, void *arg)
{
	struct sign_scan *s = arg;
	size_t n = strlen(a->reason);

	if (s->rc != 0)
		return 0;
	if (n > 4 && strcmp(a->reason + n - 4, "+ssh") == 0) {
		if ((s->rc = sign_check(s->dir, a, s->e)) == 0)
			s->good++;
		s->signed_before = 1;
	} else if (require_signed && s->signed_before &&
	    (strcmp(a->reason, "review") == 0 || strcmp(a->reason, "check") == 0))
		/* once the office signs, an unsigned review is a forgery's sign */
		s->rc = errset(s->e, EX_DATAERR, _("%s: the %s of %s by %s is not "
		    "signed, and pm.conf requires signed reviews"), a->ledger,
		    signed_what(a), a->subject, a->by);
	return 0;
}

int
sign_verify(const char *dir, FILE *out, struct pm_err *e)
{
	struct sign_scan s = { dir, e, 0, 0, 0 };

	anchors_scan(dir, scan_anchor, &s);
	if (s.rc == 0 && s.good > 0)
		fprintf(out, _("%s/signatures: %ld signed reviews and checks, each good\n"),
		    dir, s.good);
	return s.rc ? -1 : 0;
}

/*
 * The head tx is at, signed with key as the anchor (reason+ssh, subject,
 * by, now) will record it; before the anchor is written, so that a
 * signature without its anchor (a crash between) is passed over and
 * replaced by the next one.  A key that allowed_signers does not give
 * the signer is refused here, and nothing is kept.
 */
int
sign_head(const char *dir, struct ledger_tx *tx, const char *reason,
    const char *subject, time_t now, const char *by, const char *key,
    struct pm_err *e)
{
	struct buf text = { 0 }, sig = { 0 }, path = { 0 };
	struct anchor a;
	int rc;

	memset(&a, 0, sizeof a);
	snprintf(a.ledger, sizeof a.ledger, "%s", ledger_tx_book(tx));
	a.seq = ledger_tx_last_seq(tx);
	snprintf(a.head, sizeof a.head, "%s", ledger_tx_head(tx));
	snprintf(a.reason, sizeof a.reason, "%s+ssh", reason);
	snprintf(a.subject, sizeof a.subject, "%s", subject);
	snprintf(a.by, sizeof a.by, "%s", by);
	clock_format(now, a.at);
	sign_text(&a, &text);
	sign_path(dir, &a, &path);
	rc = sign_make(key, text.s, &sig, e) != 0 ||
	    sign_store(path.s, &sig, e) != 0 ? -1 : 0;
	if (rc == 0 && (rc = sign_check(dir, &a, e)) != 0)
		unlink(path.s);
	buf_free(&text);
	buf_free(&sig);
	buf_free(&path);
	return rc;
}
