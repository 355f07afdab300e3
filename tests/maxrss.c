/*
 * maxrss - run a command and print its peak resident memory in KiB on
 * stderr's last line, from wait4(2)'s rusage: the import memory tests
 * need the exact peak, not a sampled one.
 *
 *   maxrss COMMAND [ARG]...      exits with the command's status
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: maxrss COMMAND [ARG]...\n");
		return 64;
	}
	pid = fork();
	if (pid < 0)
		return 71;
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		return 71;
	fprintf(stderr, "maxrss %ld\n", ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
