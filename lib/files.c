/*
 * files.c - what the commands create, and with which modes (SPEC 3).
 *
 * Every file and directory a command creates -- books, locks, side
 * files, volumes, manifests, reports, torn sets -- gets the office's
 * modes whatever the umask: 0640 and 0750 (a private book, the owner
 * archive, 0600 and 0700), or with "shared = group" in pm.conf (as
 * git's core.sharedRepository) 0660 and 2770 for everything, in the
 * data directory's group, so that every clerk of the group and the
 * service account that runs cron can go on where another left off.
 * cli_ready sets the policy once, from pm.conf.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pm.h"

static int shared;
static gid_t shared_gid;

void
files_share(const char *dir, int share)
{
	struct stat st;

	shared = share && stat(dir, &st) == 0;
	if (shared)
		shared_gid = st.st_gid;
}

/* The mode a file of this (private) mode gets in this office. */
static mode_t
file_mode(mode_t mode)
{
	return shared ? 0660 : mode & 0666;
}

/* Give what we own the office's mode and group; another's stays as it is. */
static void
settle(int fd, const char *path, mode_t want)
{
	struct stat st;

	if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) != 0 ||
	    st.st_uid != geteuid())
		return;
	if ((st.st_mode & 07777) != want &&
	    (fd >= 0 ? fchmod(fd, want) : chmod(path, want)) != 0)
		return;
	/* a clerk may give the group she is in; otherwise it stays hers */
	if (shared && st.st_gid != shared_gid) {
		if (fd >= 0 ? fchown(fd, (uid_t)-1, shared_gid) != 0 :
		    chown(path, (uid_t)-1, shared_gid) != 0)
			return;
	}
}

int
files_open(const char *path, int flags, mode_t mode)
{
	mode_t want = file_mode(mode);
	/* never through a link someone planted in the data directory */
	int fd = open(path, flags | O_CREAT | O_NOFOLLOW, want);

	if (fd >= 0)
		settle(fd, path, want);
	return fd;
}

/*
 * A temporary beside path: path.tmp.XXXXXX with a random tail (mkostemp,
 * O_EXCL), so that no one can plant a link where it will be and two
 * writers never share one.  Its name in *tmp; the descriptor, or -1.
 */
int
files_temp(const char *path, struct buf *tmp, mode_t mode)
{
	int fd;

	buf_reset(tmp);
	buf_addf(tmp, "%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp->s, O_CLOEXEC);
	if (fd >= 0)
		settle(fd, tmp->s, file_mode(mode));
	return fd;
}

/*
 * What a killed writer left beside path: path.tmp and path.tmp.* older
 * than age seconds (0: all of them; the caller holds the lock that
 * every writer of them holds).  A link there goes, not what it names.
 */
void
files_sweep(const char *path, time_t age)
{
	const char *slash = strrchr(path, '/');
	struct buf dir = { 0 }, stem = { 0 };
	struct dirent *d;
	struct stat st;
	time_t now = time(NULL);
	DIR *dp;

	buf_addf(&dir, "%.*s", slash ? (int)(slash - path) : 1,
	    slash ? path : ".");
	buf_addf(&stem, "%s.tmp", slash ? slash + 1 : path);
	if ((dp = opendir(dir.s)) != NULL) {
		while ((d = readdir(dp)) != NULL) {
			const char *tail = d->d_name + stem.len;

			if (strncmp(d->d_name, stem.s, stem.len) != 0 ||
			    (*tail != '\0' && *tail != '.') ||
			    fstatat(dirfd(dp), d->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) != 0)
				continue;
			if (age == 0 || now - st.st_mtime > age)
				unlinkat(dirfd(dp), d->d_name, 0);
		}
		closedir(dp);
	}
	buf_free(&dir);
	buf_free(&stem);
}

/*
 * SPEC 3: a book or side file that is a link, or not a regular file, is
 * never used: path's open (fd, or -1 with errno) refused with exit 73.
 * 0 when fd is a regular file, or there is nothing at path (ENOENT).
 */
int
files_refused(int fd, const char *path, struct pm_err *e)
{
	struct stat st;

	if (fd < 0 && errno != ELOOP && errno != EISDIR)
		return 0;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return 0;
	return errset(e, EX_CANTCREAT, _("%s: a symbolic link or not a "
	    "regular file; refused (a book and its side files are plain "
	    "files of the data directory)"), path);
}

int
files_mkdir(const char *path, mode_t mode)
{
	mode_t want = shared ? 02770 : (mode & 0777);

	if (mkdir(path, want & 0777) != 0) {
		if (errno != EEXIST)
			return -1;
		return 0;	/* made before: its modes are the admin's */
	}
	settle(-1, path, want);
	return 0;
}

int
files_shared(void)
{
	return shared;
}
