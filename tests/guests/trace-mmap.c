/* tvisor-trace differential guest: anonymous and file mappings. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	(void)argc;
	long page = 4096;
	char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	p[0] = 1;
	mprotect(p + page, page, PROT_NONE);
	madvise(p, page, MADV_DONTNEED);
	munmap(p, 3 * page);
	int fd = open(argv[0], O_RDONLY);
	char *f = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	int ok = f != MAP_FAILED && f[1] == 'E';
	munmap(f, page);
	mmap(NULL, page, PROT_READ, MAP_SHARED, -1, 0);
	return ok ? 0 : 2;
}
