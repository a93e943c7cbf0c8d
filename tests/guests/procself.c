/* procself: what /proc/self shows about the program, as after a real exec:
 * comm (the executable's basename, 15 bytes at most), the exe link, cmdline,
 * environ, auxv, the status lines for this thread group, and the program's
 * own file mapped in maps.  Prints booleans and program-derived names only. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static const char *yn(int b)
{
	return b ? "yes" : "no";
}

static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;
	if (fd < 0)
		return -1;
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	return (ssize_t)len;
}

static long status_field(const char *name)
{
	static char buf[8192];
	ssize_t n = slurp("/proc/self/status", buf, sizeof buf - 1);
	size_t l = strlen(name);
	if (n < 0)
		return -1;
	buf[n] = 0;
	for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, l) && p[l] == ':')
			return strtol(p + l + 1, NULL, 10);
	return -1;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	char path[PATH_MAX], real[PATH_MAX];
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];

	/* comm */
	char comm[17] = { 0 };
	prctl(PR_GET_NAME, comm);
	char expect[16];
	snprintf(expect, sizeof expect, "%s", base);
	printf("comm=%s\n", comm);
	printf("comm is the truncated basename: %s\n", yn(!strcmp(comm, expect)));
	ssize_t n = slurp("/proc/self/comm", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("/proc/self/comm agrees: %s\n", yn(n > 0 && !strncmp(buf, comm, strlen(comm)) && buf[strlen(comm)] == '\n'));
	n = slurp("/proc/self/stat", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
	printf("/proc/self/stat comm agrees: %s\n",
	       yn(lp && rp && (size_t)(rp - lp - 1) == strlen(comm) && !strncmp(lp + 1, comm, strlen(comm))));
	printf("/proc/self/stat pid is getpid: %s\n", yn(atol(buf) == (long)getpid()));
	/* Not compared: the state of the main thread.  Under a monitor that
	 * performs calls on another thread it sleeps while its read runs. */

	/* exe */
	n = readlink("/proc/self/exe", path, sizeof path - 1);
	path[n > 0 ? n : 0] = 0;
	printf("exe link is realpath(argv[0]): %s\n",
	       yn(n > 0 && realpath(argv[0], real) && !strcmp(path, real)));
	struct stat s1, s2;
	printf("exe opens the program: %s\n",
	       yn(stat("/proc/self/exe", &s1) == 0 && stat(argv[0], &s2) == 0 && s1.st_ino == s2.st_ino &&
		  s1.st_dev == s2.st_dev));
	/* the exe file's ELF header matches the running image's */
	unsigned char eh[sizeof(ElfW(Ehdr))];
	n = slurp("/proc/self/exe", (char *)eh, sizeof eh);
	extern const ElfW(Ehdr) __ehdr_start;
	printf("exe ELF header is ours: %s\n",
	       yn(n == (ssize_t)sizeof eh && !memcmp(eh, &__ehdr_start, sizeof eh)));

	/* cmdline and environ: NUL-separated argv / initial environment */
	n = slurp("/proc/self/cmdline", buf, sizeof buf);
	size_t want = 0;
	int same = 1;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		if (n < 0 || want + l > (size_t)n || memcmp(buf + want, argv[i], l))
			same = 0;
		want += l;
	}
	printf("cmdline is argv: %s\n", yn(same && (size_t)n == want));
	n = slurp("/proc/self/environ", buf, sizeof buf);
	want = 0;
	same = 1;
	for (char **e = environ; *e; e++) {
		size_t l = strlen(*e) + 1;
		if (n < 0 || want + l > (size_t)n || memcmp(buf + want, *e, l))
			same = 0;
		want += l;
	}
	printf("environ is the initial environment: %s\n", yn(same && (size_t)n == want));

	/* auxv */
	n = slurp("/proc/self/auxv", buf, sizeof buf);
	int aux_ok = n > 0, entries = 0;
	for (ElfW(auxv_t) *a = (ElfW(auxv_t) *)buf; aux_ok && (char *)(a + 1) <= buf + n; a++) {
		if (a->a_type == AT_NULL)
			break;
		entries++;
		if (a->a_type != AT_IGNORE && getauxval(a->a_type) != a->a_un.a_val &&
		    a->a_type != AT_HWCAP /* glibc reports its own on x86 */)
			aux_ok = 0;
	}
	printf("/proc/self/auxv agrees with getauxval: %s\n", yn(aux_ok && entries > 10));

	/* status */
	long pid = getpid();
	printf("status Tgid==Pid==getpid: %s\n",
	       yn(status_field("Tgid") == pid && status_field("Pid") == pid));
	printf("status PPid==getppid: %s\n", yn(status_field("PPid") == (long)getppid()));
	printf("status TracerPid=%ld\n", status_field("TracerPid"));
	/* Not compared: Threads, Seccomp, NoNewPrivs (and /proc/self/task),
	 * which show the mechanism itself (the paired kernel threads, the
	 * filter) unless a monitor virtualises /proc. */

	/* maps: the program's file is mapped */
	n = slurp("/proc/self/maps", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("program mapped in maps: %s\n", yn(path[0] && strstr(buf, path) != NULL));
	printf("[stack] in maps: %s\n", yn(strstr(buf, "[stack]") != NULL));
	printf("[vdso] in maps: %s\n", yn(strstr(buf, "[vdso]") != NULL));

	/* fds: only 0, 1, 2 are open */
	int fds = 0;
	for (int fd = 0; fd < 1024; fd++)
		fds += fcntl(fd, F_GETFD) != -1;
	printf("open fds: %d\n", fds);
	printf("procself: done\n");
	return 0;
}
