/* fileio: file system calls in a private directory (argv[1], or a fresh
 * mkdtemp under /tmp, removed at the end).  Prints contents, sizes, modes and
 * offsets; never the directory's name. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("FAILED line %d: %s (errno %s)\n", __LINE__, #cond, \
			       strerror(errno));                             \
			failures++;                                          \
		}                                                            \
	} while (0)

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fdopendir(fd);
	char *names[64];
	int n = 0;
	struct dirent *de;

	CHECK(d != NULL);
	if (!d)
		return;
	rewinddir(d);
	while ((de = readdir(d)) && n < 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmpstr);
	printf("dir:");
	for (int i = 0; i < n; i++) {
		struct stat st;
		CHECK(fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0);
		if (S_ISDIR(st.st_mode)) /* directory sizes depend on the fs */
			printf(" %s(d)", names[i]);
		else
			printf(" %s(%c%lld)", names[i], S_ISLNK(st.st_mode) ? 'l' : 'f',
			       (long long)st.st_size);
		free(names[i]);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/tvisor-fileio-XXXXXX";
	const char *dir;
	int own = 0;
	char buf[256];

	umask(022);
	if (argc > 1) {
		dir = argv[1];
	} else {
		dir = mkdtemp(tmpl);
		own = 1;
		if (!dir) {
			perror("mkdtemp");
			return 1;
		}
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		printf("fileio: cannot open the directory: %s\n", strerror(errno));
		return 1;
	}

	/* create, write, fstat */
	int fd = openat(dfd, "a.txt", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	CHECK(fd >= 0);
	const char *msg = "hello, file\n";
	CHECK(write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg));
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	printf("a.txt: size=%lld mode=%o regular=%d\n", (long long)st.st_size,
	       (unsigned)(st.st_mode & 07777), S_ISREG(st.st_mode));
	CHECK(openat(dfd, "a.txt", O_RDWR | O_CREAT | O_EXCL, 0666) == -1 && errno == EEXIST);

	/* lseek and read */
	printf("lseek cur=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	printf("lseek set=%lld\n", (long long)lseek(fd, 7, SEEK_SET));
	ssize_t n = read(fd, buf, sizeof buf);
	printf("read %zd: %.*s", n, (int)(n > 0 ? n : 0), buf);
	printf("lseek end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
	printf("read at eof=%zd\n", read(fd, buf, sizeof buf));
	printf("lseek end+100=%lld\n", (long long)lseek(fd, 100, SEEK_END));
	CHECK(write(fd, "X", 1) == 1);
	CHECK(fstat(fd, &st) == 0);
	printf("sparse size=%lld\n", (long long)st.st_size);

	/* pread/pwrite, ftruncate */
	CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
	memset(buf, 0, sizeof buf);
	CHECK(pread(fd, buf, 12, 0) == 12);
	printf("pread: %.11s\n", buf);
	printf("offset after pread=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	CHECK(ftruncate(fd, 5) == 0);
	CHECK(fstat(fd, &st) == 0);
	printf("truncated size=%lld\n", (long long)st.st_size);

	/* readv / writev */
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	struct iovec iov[3] = { { "one ", 4 }, { "two ", 4 }, { "three\n", 6 } };
	CHECK(writev(fd, iov, 3) == 14);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	char p1[5] = { 0 }, p2[20] = { 0 };
	struct iovec riov[2] = { { p1, 4 }, { p2, sizeof p2 - 1 } };
	n = readv(fd, riov, 2);
	printf("readv %zd: [%s][%s]", n, p1, p2);

	/* dup shares the offset */
	int fd2 = dup(fd);
	CHECK(lseek(fd, 3, SEEK_SET) == 3);
	printf("dup offset=%lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
	close(fd2);
	close(fd);

	/* O_APPEND, stdio */
	fd = openat(dfd, "a.txt", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "appended\n", 9) == 9);
	CHECK(fsync(fd) == 0);
	close(fd);
	snprintf(buf, sizeof buf, "%s/a.txt", dir);
	FILE *f = fopen(buf, "r");
	CHECK(f != NULL);
	int line = 0;
	char lbuf[128];
	while (f && fgets(lbuf, sizeof lbuf, f))
		printf("line %d: %s", ++line, lbuf);
	if (f)
		fclose(f);

	/* rename, link, symlink, readlink, mkdir */
	CHECK(renameat(dfd, "a.txt", dfd, "b.txt") == 0);
	CHECK(faccessat(dfd, "a.txt", F_OK, 0) == -1 && errno == ENOENT);
	CHECK(faccessat(dfd, "b.txt", R_OK | W_OK, 0) == 0);
	CHECK(linkat(dfd, "b.txt", dfd, "c.txt", 0) == 0);
	CHECK(fstatat(dfd, "c.txt", &st, 0) == 0);
	printf("nlink=%lu\n", (unsigned long)st.st_nlink);
	CHECK(symlinkat("b.txt", dfd, "l.txt") == 0);
	n = readlinkat(dfd, "l.txt", buf, sizeof buf);
	printf("readlink=%.*s\n", (int)(n > 0 ? n : 0), buf);
	CHECK(mkdirat(dfd, "sub", 0755) == 0);
	fd = openat(dfd, "sub/deep.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, "deep\n", 5) == 5);
	CHECK(fchmod(fd, 0640) == 0);
	CHECK(fstat(fd, &st) == 0);
	printf("deep mode=%o\n", (unsigned)(st.st_mode & 07777));
	close(fd);
	list(dfd);

	/* chdir + relative paths, getcwd consistency */
	int cwd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fchdir(dfd) == 0);
	CHECK(access("sub/deep.txt", F_OK) == 0);
	CHECK(rename("sub/deep.txt", "deep.txt") == 0);
	CHECK(rmdir("sub") == 0);
	CHECK(fchdir(cwd) == 0);
	close(cwd);
	list(dfd);

	/* unlink everything */
	CHECK(unlinkat(dfd, "l.txt", 0) == 0);
	CHECK(unlinkat(dfd, "c.txt", 0) == 0);
	CHECK(unlinkat(dfd, "b.txt", 0) == 0);
	CHECK(unlinkat(dfd, "deep.txt", 0) == 0);
	CHECK(unlinkat(dfd, "b.txt", 0) == -1 && errno == ENOENT);
	CHECK(openat(dfd, "nonexistent", O_RDONLY) == -1 && errno == ENOENT);
	list(dfd);
	close(dfd);
	if (own)
		CHECK(rmdir(dir) == 0);
	printf("fileio: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
