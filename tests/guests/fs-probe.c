/* fs-probe: the probe program of tests/t-fs.sh.  It runs its arguments as
 * commands (cd, cwd, cat, stat, ls, mkdir, chroot, sockets, ...), one line
 * of output each, errors as errno names, so that the same commands can be
 * compared under tvisor-fs, proot and the kernel's chroot. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int dfd = AT_FDCWD;

static void res(const char *cmd, const char *arg, int r)
{
	if (r < 0)
		printf("%s %s: %s\n", cmd, arg, strerrorname_np(errno));
	else
		printf("%s %s: ok\n", cmd, arg);
}

static void show(const char *cmd, const char *arg, int fd)
{
	char buf[256];
	if (fd < 0) {
		printf("%s %.40s: %s\n", cmd, arg, strerrorname_np(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		printf("%s %s: read %s\n", cmd, arg, strerrorname_np(errno));
		return;
	}
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	printf("%s %.40s: [%s]\n", cmd, arg, buf);
}

static const char *type(mode_t m)
{
	return S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "link" : S_ISREG(m) ? "file" : "other";
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char buf[4096];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 1) {	/* getcwd(1) */
		if (!getcwd(buf, sizeof buf))
			return perror("getcwd"), 1;
		puts(buf);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *c = argv[i];
		const char *a = i + 1 < argc ? argv[i + 1] : "";
		const char *b = i + 2 < argc ? argv[i + 2] : "";
		struct stat st;
		if (!strcmp(c, "cwd")) {
			if (getcwd(buf, sizeof buf))
				printf("cwd: %s\n", buf);
			else
				printf("cwd: %s\n", strerrorname_np(errno));
		} else if (!strcmp(c, "cd")) {
			res(c, a, chdir(a)), i++;
		} else if (!strcmp(c, "cat")) {
			show(c, a, open(a, O_RDONLY)), i++;
		} else if (!strcmp(c, "catat")) {
			show(c, a, openat(dfd, a, O_RDONLY)), i++;
		} else if (!strcmp(c, "dir")) {
			if (dfd >= 0)
				close(dfd);
			dfd = open(a, O_RDONLY | O_DIRECTORY);
			res(c, a, dfd), i++;
		} else if (!strcmp(c, "usefd")) {	/* an inherited dirfd */
			dfd = atoi(a), i++;
		} else if (!strcmp(c, "fchdir")) {
			res(c, "", fchdir(dfd));
		} else if (!strcmp(c, "readlink")) {
			ssize_t n = readlink(a, buf, sizeof buf - 1);
			if (n < 0)
				printf("readlink %s: %s\n", a, strerrorname_np(errno));
			else
				printf("readlink %s: %.*s\n", a, (int)n, buf);
			i++;
		} else if (!strcmp(c, "stat") || !strcmp(c, "lstat")) {
			int r = c[0] == 's' ? stat(a, &st) : lstat(a, &st);
			if (r < 0)
				printf("%s %.40s: %s\n", c, a, strerrorname_np(errno));
			else
				printf("%s %.40s: %s %lld\n", c, a, type(st.st_mode),
				       S_ISDIR(st.st_mode) ? 0 : (long long)st.st_size);
			i++;
		} else if (!strcmp(c, "access")) {
			res(c, a, access(a, R_OK)), i++;
		} else if (!strcmp(c, "mkdir")) {
			res(c, a, mkdir(a, 0755)), i++;
		} else if (!strcmp(c, "rmdir")) {
			res(c, a, rmdir(a)), i++;
		} else if (!strcmp(c, "unlink")) {
			res(c, a, unlink(a)), i++;
		} else if (!strcmp(c, "write")) {
			int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0 && write(fd, b, strlen(b)) < 0)
				fd = -1;
			if (fd >= 0)
				close(fd);
			res(c, a, fd), i += 2;
		} else if (!strcmp(c, "excl")) {
			res(c, a, open(a, O_WRONLY | O_CREAT | O_EXCL, 0644)), i++;
		} else if (!strcmp(c, "symlink")) {
			res(c, b, symlink(a, b)), i += 2;
		} else if (!strcmp(c, "link")) {
			res(c, b, link(a, b)), i += 2;
		} else if (!strcmp(c, "rename")) {
			res(c, b, rename(a, b)), i += 2;
		} else if (!strcmp(c, "chroot")) {
			res(c, a, chroot(a)), i++;
		} else if (!strcmp(c, "ls")) {
			DIR *d = opendir(a);
			i++;
			if (!d) {
				printf("ls %s: %s\n", a, strerrorname_np(errno));
				continue;
			}
			char *names[512];
			int n = 0;
			struct dirent *e;
			while ((e = readdir(d)) && n < 512)
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					names[n++] = strdup(e->d_name);
			closedir(d);
			qsort(names, n, sizeof *names, cmp);
			printf("ls %s:", a);
			for (int k = 0; k < n; k++)
				printf(" %s", names[k]);
			printf("\n");
		} else if (!strcmp(c, "sock")) {
			struct sockaddr_un sa = { .sun_family = AF_UNIX };
			snprintf(sa.sun_path, sizeof sa.sun_path, "%s", a);
			int s = socket(AF_UNIX, SOCK_STREAM, 0);
			int r = bind(s, (struct sockaddr *)&sa, sizeof sa);
			res("bind", a, r);
			if (r == 0) {
				struct sockaddr_un got;
				socklen_t len = sizeof got;
				listen(s, 1);
				getsockname(s, (struct sockaddr *)&got, &len);
				printf("getsockname: %s\n", got.sun_path);
				int t = socket(AF_UNIX, SOCK_STREAM, 0);
				res("connect", a, connect(t, (struct sockaddr *)&sa, sizeof sa));
				close(t);
			}
			close(s);
			i++;
		} else {
			printf("unknown command %s\n", c);
			return 2;
		}
	}
	return 0;
}
