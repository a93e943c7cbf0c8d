/* strictmode: SECCOMP_MODE_STRICT.  After prctl(PR_SET_SECCOMP,
 * SECCOMP_MODE_STRICT) or seccomp(SECCOMP_SET_MODE_STRICT) a process may
 * only read, write, _exit and rt_sigreturn; anything else ends it with
 * SIGKILL (the kernel's __secure_computing_strict), not with SIGSYS as a
 * filter's KILL would.  Each part runs in a forked child whose wait status
 * is printed: a write and a read that work, then a forbidden call
 * (getpid, exit_group, PR_GET_SECCOMP, a filter: seccomp itself is
 * forbidden) or SYS_exit.  Also the arguments seccomp(2) refuses for
 * strict mode (flags, a pointer: EINVAL). */
#include "../lifecycle/util.c"
#include <stdint.h>
#include <sys/prctl.h>

/* linux/seccomp.h and linux/filter.h, which musl-gcc does not see. */
#define SECCOMP_MODE_STRICT 1
#define SECCOMP_SET_MODE_STRICT 0
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_RET_ALLOW 0x7fff0000u
#define BPF_RET_K 0x06
struct sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};

enum end { END_GETPID, END_EXIT_GROUP, END_PRCTL, END_EXIT, END_FILTER };

/* Only raw calls from here on: the libc's wrappers may make others. */
static void line(const char *s)
{
	syscall(SYS_write, 1, s, strlen(s));
}

static void strict_child(int use_prctl, enum end how)
{
	long r = use_prctl ? prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0)
			   : syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL);
	if (r != 0) {
		say("  strict mode: %s", ename(errno));
		_exit(1);
	}
	line("  in strict mode: write works\n");
	char c;
	int fd = 0;	/* compare.sh's stdin: /dev/null */
	line(syscall(SYS_read, fd, &c, 1) == 0 ? "  read works\n" : "  read failed\n");
	switch (how) {
	case END_GETPID:
		syscall(SYS_getpid);
		break;
	case END_EXIT_GROUP:
		syscall(SYS_exit_group, 3);
		break;
	case END_PRCTL:
		prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
		break;
	case END_FILTER: {
		struct sock_filter allow = { BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW };
		struct sock_fprog fp = { 1, &allow };
		syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
		break;
	}
	case END_EXIT:
		break;
	}
	line("  still running: SYS_exit(5)\n");
	syscall(SYS_exit, 5);
}

static void part(const char *name, int use_prctl, enum end how)
{
	say("%s, then %s:", use_prctl ? "prctl(PR_SET_SECCOMP)" : "seccomp(SET_MODE_STRICT)", name);
	pid_t pid = fork();
	if (pid == 0)
		strict_child(use_prctl, how);
	int st;
	xwaitpid(pid, &st, 0);
	say("  status: %s", wstr(st));
}

/* Arguments the kernel refuses, checked in a child in case one is taken. */
static void bad_arguments(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 1, NULL);
		say("seccomp(SET_MODE_STRICT, flags 1): %ld %s", r, ename_ok(r ? errno : 0));
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, &r);
		say("seccomp(SET_MODE_STRICT, a pointer): %ld %s", r, ename_ok(r ? errno : 0));
		say("prctl(PR_GET_SECCOMP) before: %d", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
		_exit(0);
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("  status: %s", wstr(st));
}

int main(void)
{
	bad_arguments();
	for (int p = 1; p >= 0; p--) {
		part("getpid", p, END_GETPID);
		part("exit_group", p, END_EXIT_GROUP);
		part("SYS_exit", p, END_EXIT);
	}
	part("PR_GET_SECCOMP", 1, END_PRCTL);
	part("a filter", 0, END_FILTER);
	return 0;
}
