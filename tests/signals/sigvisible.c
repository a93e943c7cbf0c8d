/* sigvisible: the monitor's own use of signals (SIGSYS for every trapped
 * call, and any signal it keeps for itself) is invisible to the program
 * unless the program asks for SIGSYS itself.
 *   - sigaction(SIGSYS) reads SIG_DFL at start; the mask and the pending
 *     set do not contain it;
 *   - a program that installs a SIGSYS handler gets raise(SIGSYS) in it
 *     (SI_TKILL), while an unknown syscall number just fails with ENOSYS;
 *   - a program that blocks SIGSYS (or everything) keeps making system
 *     calls normally, sees SIGSYS in its mask, a raised SIGSYS pending, and
 *     handled once unblocked; with SIG_IGN a raised SIGSYS is ignored;
 *   - every other signal number reads back SIG_DFL at start and can be
 *     given a handler and raised (the monitor's interrupt signal too);
 *   - /proc/self/status and /proc/thread-self/status show the program's
 *     own SigBlk/SigIgn/SigCgt/SigPnd (as hex masks). */
#include "../lifecycle/util.c"
#include <stdint.h>

static volatile int sys_runs, sys_code, any_runs;

static void on_sys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	sys_runs++;
	sys_code = si->si_code;
}

static void on_any(int sig)
{
	(void)sig;
	any_runs++;
}

static void status_lines(const char *file, const char *when)
{
	char buf[8192], out[512] = "", *p;
	if (slurp(file, buf, sizeof buf) < 0) {
		say("%s %s: unreadable", file, when);
		return;
	}
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
		if (!strncmp(p, "SigBlk:", 7) || !strncmp(p, "SigIgn:", 7) || !strncmp(p, "SigCgt:", 7) ||
		    !strncmp(p, "SigPnd:", 7) || !strncmp(p, "ShdPnd:", 7)) {
			size_t n = strlen(out);
			snprintf(out + n, sizeof out - n, " %s", p);
		}
	for (p = out; *p; p++)
		if (*p == '\t')
			*p = ' ';
	say("%s %s:%s", file, when, out);
}

static int is_pending(int sig)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, sig);
}

static int is_blocked(int sig)
{
	sigset_t m;
	sigprocmask(SIG_BLOCK, NULL, &m);
	return sigismember(&m, sig);
}

int main(void)
{
	struct sigaction old;
	sigaction(SIGSYS, NULL, &old);
	uint64_t raw_mask = 1, raw_pend = 1;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &raw_mask, 8);
	syscall(SYS_rt_sigpending, &raw_pend, 8);
	say("start: SIGSYS action default=%s flags=%#lx raw-mask=%#llx raw-pending=%#llx", yn(old.sa_handler == SIG_DFL),
	    (unsigned long)old.sa_flags, (unsigned long long)raw_mask, (unsigned long long)raw_pend);
	/* Every signal's action, raw (the libc hides its internal ones). */
	int non_default = 0;
	for (int sig = 1; sig <= 64; sig++) {
		struct {
			void *h;
			unsigned long flags;
			void *restorer;
			uint64_t mask;
		} k;
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, NULL, &k, 8) == 0 && k.h != NULL)
			non_default++;
	}
	say("start: signals with a non-default action: %d", non_default);
	status_lines("/proc/self/status", "at start");
	status_lines("/proc/thread-self/status", "at start");

	errno = 0;
	long r = syscall(1000);
	say("unknown syscall 1000: %ld %s", r, ename(errno));

	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_sys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	raise(SIGSYS);
	errno = 0;
	r = syscall(1000);
	say("SIGSYS handler: raise handled=%d code=%s; syscall 1000: %ld %s handled=%d", sys_runs,
	    sys_code == SI_TKILL ? "SI_TKILL" : "other", r, ename(errno), sys_runs);

	/* Blocked. */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGSYS);
	sigprocmask(SIG_BLOCK, &s, NULL);
	char buf[64];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	close(fd);
	int runs_before = sys_runs;
	raise(SIGSYS);
	int pend = is_pending(SIGSYS), ran_blocked = sys_runs != runs_before, shown = is_blocked(SIGSYS);
	status_lines("/proc/self/status", "SIGSYS blocked and pending");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	say("SIGSYS blocked: calls work=%s shown blocked=%s raised is pending=%s ran while blocked=%s ran on unblock=%s",
	    yn(n > 0), yn(shown), yn(pend), yn(ran_blocked), yn(sys_runs == runs_before + 1));

	/* Everything blocked, raw. */
	uint64_t all = ~0ull, before = 0, now = 0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &before, 8);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, 8);
	fd = open("/proc/self/stat", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	close(fd);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &before, NULL, 8);
	say("all blocked: mask=%#llx sys-blocked=%s calls work=%s", (unsigned long long)now, yn(now >> (SIGSYS - 1) & 1),
	    yn(n > 0));

	/* Ignored. */
	signal(SIGSYS, SIG_IGN);
	raise(SIGSYS);
	fd = open("/proc/self/stat", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	close(fd);
	say("SIGSYS ignored: survived raise, calls work=%s", yn(n > 0));
	signal(SIGSYS, SIG_DFL);

	/* Every catchable signal can be handled, the libc's internal ones
	 * excepted (raw calls for those). */
	int handled = 0, tried = 0;
	char refused[128] = "";
	for (int sig = 1; sig <= 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSYS)
			continue;
		struct {
			void (*h)(int);
			unsigned long flags;
			void *restorer;
			uint64_t mask;
		} k = { on_any, 0, NULL, 0 }, o;
		struct sigaction cur;
		sigaction(SIGUSR1, NULL, &cur);
		/* Use the libc's sigaction where it allows; it adds a restorer. */
		sa.sa_handler = on_any;
		sa.sa_flags = 0;
		sigemptyset(&sa.sa_mask);
		int rc = sigaction(sig, &sa, NULL);
		(void)k;
		(void)o;
		if (rc != 0) { /* reserved by the libc */
			snprintf(refused + strlen(refused), sizeof refused - strlen(refused), " %d", sig);
			continue;
		}
		tried++;
		int b = any_runs;
		syscall(SYS_tgkill, getpid(), tv_gettid(), sig);
		if (any_runs == b + 1)
			handled++;
		else
			snprintf(refused + strlen(refused), sizeof refused - strlen(refused), " not-handled:%d", sig);
		signal(sig, SIG_DFL);
	}
	say("every signal: tried=%d handled=%d refused or not handled:%s", tried, handled, refused);
	sa.sa_handler = on_any;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	status_lines("/proc/self/status", "USR1 handled, HUP ignored, USR2 blocked");
	status_lines("/proc/thread-self/status", "USR1 handled, HUP ignored, USR2 blocked");
	return 0;
}
