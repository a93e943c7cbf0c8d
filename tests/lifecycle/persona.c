/* persona: personality(2) is per thread in the kernel, and the kernel reads
 * the calling thread's when it maps memory (READ_IMPLIES_EXEC makes a
 * PROT_READ mapping executable) and when it lays out a new program
 * (ADDR_NO_RANDOMIZE).  The value at start; READ_IMPLIES_EXEC set, and the
 * permissions /proc/self/maps gives a fresh PROT_READ mapping; both flags;
 * what a thread made after, a forked child and an exec'd copy of this
 * program (argv[0] as the path) see; two exec'd copies under
 * ADDR_NO_RANDOMIZE lay themselves out the same (and, with PER_LINUX and
 * randomize_va_space on, differently); ADDR_NO_RANDOMIZE alone across exec;
 * back to PER_LINUX; a thread that sets a persona of its own (the main
 * thread's does not change) and maps memory, and one that then execs.  Values are printed as the kernel gives
 * them (on x86_64 exec clears READ_IMPLIES_EXEC for a program without an
 * executable stack).
 *
 * usage: persona  |  persona exec-child WHO  |  persona layout FD */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <sys/mman.h>
#include <sys/personality.h>

static const char *self_path;

/* The permissions of the mapping of /proc/self/maps that holds addr. */
static const char *perms_at(void *addr)
{
	static char perms[8];
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	snprintf(perms, sizeof perms, "absent");
	if (!f)
		return "no-maps";
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char p[5];
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) != 3)
			continue;
		if ((unsigned long)addr >= lo && (unsigned long)addr < hi) {
			snprintf(perms, sizeof perms, "%.3s", p);
			break;
		}
	}
	fclose(f);
	return perms;
}

/* One line: the persona and what a fresh PROT_READ mapping gets. */
static void report(const char *who)
{
	int p = personality(0xffffffff);
	void *a = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char perms[16];
	snprintf(perms, sizeof perms, "%s", a == MAP_FAILED ? "mmap-failed" : perms_at(a));
	if (a != MAP_FAILED)
		munmap(a, 4096);
	say("%s: persona %#x, a PROT_READ mapping is %s", who, (unsigned)p, perms);
}

static void *thread_report(void *arg)
{
	report(arg);
	return NULL;
}

/* A thread with a persona of its own. */
static void *own_persona(void *arg)
{
	say("a thread sets READ_IMPLIES_EXEC: old %#x", (unsigned)personality(READ_IMPLIES_EXEC));
	report(arg);
	return NULL;
}

static void *exec_with_persona(void *arg)
{
	personality(ADDR_NO_RANDOMIZE);
	execl(self_path, self_path, "exec-child", (char *)arg, (char *)NULL);
	say("execl from a thread: %s", ename(errno));
	_exit(127);
}

static void exec_child(const char *who)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(self_path, self_path, "exec-child", who, (char *)NULL);
		say("%s: execl: %s", who, ename(errno));
		_exit(127);
	}
	int st;
	xwaitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		say("%s: child %s", who, wstr(st));
}

/* The layout an exec'd copy reports through a pipe: addresses, never
 * printed, only compared. */
static int layout(char *buf, size_t cap)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char fd[16];
		close(p[0]);
		snprintf(fd, sizeof fd, "%d", p[1]);
		execl(self_path, self_path, "layout", fd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	size_t len = 0;
	ssize_t n;
	while (len + 1 < cap && (n = read(p[0], buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(p[0]);
	int st;
	xwaitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && len > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	self_path = argv[0];
	if (argc == 3 && strcmp(argv[1], "exec-child") == 0) {
		report(argv[2]);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "layout") == 0) {
		int local;
		void *a = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *h = malloc(100);
		dprintf(atoi(argv[2]), "main=%p stack=%p mmap=%p heap=%p", (void *)main, (void *)&local, a, h);
		return 0;
	}
	alarm(10); /* a hang becomes a difference, not compare.sh's timeout */
	if (strchr(self_path, '/') == NULL) {
		say("usage: argv[0] must be a path");
		return 2;
	}

	report("start");
	say("set READ_IMPLIES_EXEC: old %#x", (unsigned)personality(READ_IMPLIES_EXEC));
	report("READ_IMPLIES_EXEC");
	say("set ADDR_NO_RANDOMIZE|READ_IMPLIES_EXEC: old %#x",
	    (unsigned)personality(ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC));
	report("both");

	pthread_t t;
	pthread_create(&t, NULL, thread_report, "a thread made after");
	pthread_join(t, NULL);

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		report("a forked child");
		_exit(0);
	}
	int st;
	xwaitpid(pid, &st, 0);

	exec_child("an exec'd child");

	char a[256], b[256];
	int ra = layout(a, sizeof a), rb = layout(b, sizeof b);
	say("ADDR_NO_RANDOMIZE: two exec'd copies report a layout: %s, the same one: %s", yn(ra == 0 && rb == 0),
	    yn(ra == 0 && rb == 0 && strcmp(a, b) == 0));

	say("set ADDR_NO_RANDOMIZE: old %#x", (unsigned)personality(ADDR_NO_RANDOMIZE));
	report("ADDR_NO_RANDOMIZE");
	exec_child("ADDR_NO_RANDOMIZE, an exec'd child");

	say("set PER_LINUX: old %#x", (unsigned)personality(PER_LINUX));
	report("PER_LINUX");
	exec_child("PER_LINUX, an exec'd child");
	ra = layout(a, sizeof a), rb = layout(b, sizeof b);
	char aslr[16] = "?";
	slurp("/proc/sys/kernel/randomize_va_space", aslr, sizeof aslr);
	aslr[strcspn(aslr, "\n")] = 0;
	say("PER_LINUX, randomize_va_space %s: two exec'd copies report a layout: %s, the same one: %s", aslr,
	    yn(ra == 0 && rb == 0), yn(ra == 0 && rb == 0 && strcmp(a, b) == 0));

	pthread_create(&t, NULL, own_persona, "the thread");
	pthread_join(t, NULL);
	report("the main thread after");

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pthread_create(&t, NULL, exec_with_persona, "exec'd from a thread with ADDR_NO_RANDOMIZE");
		pause();
		_exit(1);
	}
	xwaitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		say("exec from a thread: child %s", wstr(st));
	report("the main thread at the end");
	return 0;
}
