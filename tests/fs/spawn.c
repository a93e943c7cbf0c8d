/* fs-spawn: children that share the parent's memory (vfork, posix_spawn)
 * change their own working directory and root, never the parent's.
 *   fs-spawn spawn DIR PROG [ARGS]  posix_spawn PROG with addchdir_np(DIR),
 *                            wait, print the parent's getcwd
 *   fs-spawn vfork DIR FILE  a vfork child chdirs to DIR and chroots to
 *                            it, then _exits; the parent prints getcwd and
 *                            the first line of FILE
 *   fs-spawn nofollow PATH [ARGS]  execveat(AT_SYMLINK_NOFOLLOW) of PATH:
 *                            ELOOP for a link, else PATH runs
 * Output is one line per step, errors as errno names, so that the same
 * run can be compared under tvisor-fs and the kernel's chroot. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void show_cwd(void)
{
	char buf[4096];
	if (getcwd(buf, sizeof buf))
		printf("parent cwd: %s\n", buf);
	else
		printf("parent cwd: %s\n", strerrorname_np(errno));
}

static void show_file(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (n < 0) {
		printf("parent cat %s: %s\n", path, strerrorname_np(errno));
		return;
	}
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("parent cat %s: [%s]\n", path, buf);
	close(fd);
}

static int spawn(const char *dir, char **argv)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	int r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	if (r) {
		printf("posix_spawn: %s\n", strerrorname_np(r));
		return 0;
	}
	waitpid(pid, &status, 0);
	printf("child status: %d\n", WEXITSTATUS(status));
	show_cwd();
	return 0;
}

static int vforked(const char *dir, const char *file)
{
	int status;
	pid_t pid = vfork();
	if (pid == 0) {
		if (chdir(dir) || chroot(dir))
			_exit(1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("child status: %d\n", WEXITSTATUS(status));
	show_cwd();
	show_file(file);
	return 0;
}

static int nofollow(char **argv)
{
	syscall(SYS_execveat, AT_FDCWD, argv[0], argv, environ, AT_SYMLINK_NOFOLLOW);
	printf("execveat %s: %s\n", argv[0], strerrorname_np(errno));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "spawn"))
		return spawn(argv[2], argv + 3);
	if (argc == 4 && !strcmp(argv[1], "vfork"))
		return vforked(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "nofollow"))
		return nofollow(argv + 2);
	fprintf(stderr, "usage: fs-spawn spawn DIR PROG [ARGS] | vfork DIR FILE | nofollow PATH [ARGS]\n");
	return 2;
}
