/* bigargs: how much argument and environment space execve gives, which the
 * kernel derives from RLIMIT_STACK at the exec (fs/exec.c,
 * bprm_stack_limits): a quarter of the limit, at most 6 MiB (3/4 of
 * _STK_LIM), at least 128 KiB (ARG_MAX).  For each stack limit (8 MiB,
 * 16 MiB, unlimited) a forked child sets it and executes this program with
 * arguments well below and well above that room (64 KiB strings; the
 * margin keeps the test off the exact edge, which the program's path and
 * environment move); the executed copy checks every byte and reports the
 * count, the failed exec reports its errno.
 *
 * usage: bigargs  |  bigargs child */
#include "../lifecycle/util.c"
#include <sys/resource.h>

#define STRING (64 * 1024)	/* below the kernel's 128 KiB per string */
#define MARGIN (64 * 1024)
#define MiB (1024 * 1024L)

extern char **environ;

static char fill_of(int i)
{
	return (char)('a' + i % 26);
}

/* In the executed copy: argv[2..] are the strings the parent made. */
static int child(int argc, char **argv)
{
	long bytes = 0;
	int intact = 1;
	for (int i = 2; i < argc; i++) {
		size_t len = strlen(argv[i]);
		bytes += (long)len + 1;
		for (size_t k = 0; k < len; k++)
			intact &= argv[i][k] == fill_of(i);
	}
	say("  executed: %d strings, %ld KiB, every byte intact: %s", argc - 2, bytes / 1024, yn(intact));
	return 0;
}

/* Executes self with about total bytes of argument strings, under the
 * stack limit lim (in a forked child: the limit is the child's). */
static void try_exec(const char *self, rlim_t lim, const char *lim_name, long total)
{
	say("stack limit %s, %ld KiB of arguments:", lim_name, total / 1024);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl;
		getrlimit(RLIMIT_STACK, &rl);
		rl.rlim_cur = lim;
		if (setrlimit(RLIMIT_STACK, &rl) < 0) {
			say("  setrlimit: %s", ename(errno));
			_exit(0);
		}
		int n = (int)(total / STRING);
		char **argv = calloc((size_t)n + 3, sizeof *argv);
		argv[0] = (char *)self;
		argv[1] = "child";
		for (int i = 2; i < n + 2; i++) {
			argv[i] = malloc(STRING);
			memset(argv[i], fill_of(i), STRING - 1);
			argv[i][STRING - 1] = 0;
		}
		execve(self, argv, environ);
		say("  execve: %s", ename(errno));
		_exit(0);
	}
	int st;
	if (xwaitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		say("  the child: %s", wstr(st));
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child(argc, argv);
	const struct {
		rlim_t lim;
		const char *name;
		long room;
	} limits[] = {
		{ 8 * MiB, "8 MiB", 2 * MiB },
		{ 16 * MiB, "16 MiB", 4 * MiB },
		{ RLIM_INFINITY, "unlimited", 6 * MiB },
	};
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		try_exec(argv[0], limits[i].lim, limits[i].name, limits[i].room - MARGIN);
		try_exec(argv[0], limits[i].lim, limits[i].name, limits[i].room + MARGIN);
	}
	/* The case: 3 MB of arguments after ulimit -s unlimited. */
	try_exec(argv[0], RLIM_INFINITY, "unlimited", 3 * MiB);
	return 0;
}
