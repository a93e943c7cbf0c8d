/* tvisor-trace differential guest: a file is created in DIR (argv[1]),
 * written, read back, examined, and removed; some calls fail on purpose. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	static const char text[] = "line one\nline \"two\"\twith a tab\n";
	char path[4096], buf[64];
	struct stat st;
	struct statx stx;

	if (argc < 2)
		return 2;
	snprintf(path, sizeof path, "%s/trace-file.txt", argv[1]);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return 1;
	write(fd, text, sizeof text - 1);
	close(fd);
	fd = open(path, O_RDONLY);
	ssize_t n = read(fd, buf, sizeof buf);
	fstat(fd, &st);
	lseek(fd, 5, SEEK_SET);
	read(fd, buf, 3);
	pread(fd, buf, 4, 10);
	close(fd);
	stat(path, &st);
	statx(AT_FDCWD, path, 0, STATX_BASIC_STATS | STATX_BTIME, &stx);
	access(path, R_OK | W_OK);
	open("/nonexistent/trace-test", O_RDONLY);
	mkdir(path, 0755);
	rename(path, "/nonexistent/trace-test");
	unlink(path);
	unlink(path);
	close(-1);
	return n == (ssize_t)sizeof text - 1 ? 0 : 3;
}
