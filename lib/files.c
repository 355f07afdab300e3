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
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
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
