/* fs-dents: lists a directory with getdents64 and a buffer that holds one
 * or two records, so that a read can return nothing but names a monitor
 * hides (tvisor-fs -l's hidden files): the names after them must still
 * come, not an early end of the directory.
 *   fs-dents DIR
 * prints the names but "." and "..", sorted, one a line. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_NAMES 1024

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	static char *names[MAX_NAMES];
	char buf[64] __attribute__((aligned(8)));
	int n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: fs-dents DIR\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (;;) {
		long len = syscall(SYS_getdents64, fd, buf, sizeof buf);
		if (len < 0) {
			perror("getdents64");
			return 1;
		}
		if (len == 0)
			break;
		for (long off = 0; off < len;) {
			unsigned short reclen;
			memcpy(&reclen, buf + off + 16, sizeof reclen);
			const char *name = buf + off + 19;
			if (strcmp(name, ".") && strcmp(name, "..") && n < MAX_NAMES)
				names[n++] = strdup(name);
			off += reclen;
		}
	}
	qsort(names, (size_t)n, sizeof names[0], by_name);
	for (int i = 0; i < n; i++)
		puts(names[i]);
	return 0;
}
