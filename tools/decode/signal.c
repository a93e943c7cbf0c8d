/* Signals: names, sets, sigaction, sigaltstack, wait statuses, siginfo. */
#include "internal.h"

/* Signals: kernel numbering; 32 and up are SIGRTMIN and SIGRT_n. */
static const char *const sig_names[32] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGBUS] = "BUS", [SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
	[SIGCHLD] = "CHLD", [SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGIO] = "IO", [SIGPWR] = "PWR", [SIGSYS] = "SYS",
};

/* "SIG" prefix or not: sets are shown as [INT TERM], numbers as SIGINT. */
void dc_put_signame(struct dc_out *o, long s, int prefix)
{
	const char *p = prefix ? "SIG" : "";
	if (s > 0 && s < 32 && sig_names[s])
		dc_printf(o, "%s%s", p, sig_names[s]);
	else if (s == 32)
		dc_printf(o, "%sRTMIN", p);
	else if (s > 32 && s <= 64)
		dc_printf(o, "%sRT_%ld", p, s - 32);
	else
		dc_printf(o, "%ld", s);
}

void put_sigmask(struct dc_out *o, uint64_t m)
{
	int bits = __builtin_popcountll(m);
	if (bits > 32) {
		dc_putc(o, '~');
		m = ~m;
	}
	dc_putc(o, '[');
	int any = 0;
	for (int s = 1; s <= 64; s++) {
		if (m & (1ull << (s - 1))) {
			if (any)
				dc_putc(o, ' ');
			dc_put_signame(o, s, 0);
			any = 1;
		}
	}
	dc_putc(o, ']');
}

void put_sigset_at(struct dc_out *o, unsigned long addr)
{
	uint64_t m;
	if (!addr)
		dc_puts(o, "NULL");
	else if (dc_read(&m, addr, sizeof m) < 0)
		dc_put_ptr(o, addr);
	else
		put_sigmask(o, m);
}

void put_sigaction(struct dc_out *o, unsigned long addr)
{
	struct { unsigned long handler, flags, restorer; uint64_t mask; } sa;
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	if (dc_read(&sa, addr, sizeof sa) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{sa_handler=");
	if (sa.handler == 0)
		dc_puts(o, "SIG_DFL");
	else if (sa.handler == 1)
		dc_puts(o, "SIG_IGN");
	else
		dc_printf(o, "0x%lx", sa.handler);
	dc_puts(o, ", sa_mask=");
	put_sigmask(o, sa.mask);
	dc_puts(o, ", sa_flags=");
	put_flags(o, sa_flags, sa.flags, "0");
	if (sa.flags & SA_RESTORER)
		dc_printf(o, ", sa_restorer=0x%lx", sa.restorer);
	dc_putc(o, '}');
}

void put_stack(struct dc_out *o, unsigned long addr)
{
	struct { unsigned long sp; int flags; unsigned long size; } ss;
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	if (dc_read(&ss, addr, sizeof ss) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{ss_sp=");
	dc_put_ptr(o, ss.sp);
	dc_puts(o, ", ss_flags=");
	put_flags(o, ss_flags, (unsigned)ss.flags, "0");
	dc_printf(o, ", ss_size=%lu}", ss.size);
}

void put_wstatus(struct dc_out *o, int s)
{
	int sig = s & 0x7f;
	dc_puts(o, "[{");
	if (sig == 0)
		dc_printf(o, "WIFEXITED(s) && WEXITSTATUS(s) == %d", (s >> 8) & 0xff);
	else if ((s & 0xff) == 0x7f) {
		dc_puts(o, "WIFSTOPPED(s) && WSTOPSIG(s) == ");
		dc_put_signame(o, (s >> 8) & 0xff, 1);
	} else if (s == 0xffff) {
		dc_puts(o, "WIFCONTINUED(s)");
	} else {
		dc_puts(o, "WIFSIGNALED(s) && WTERMSIG(s) == ");
		dc_put_signame(o, sig, 1);
		if (s & 0x80)
			dc_puts(o, " && WCOREDUMP(s)");
	}
	dc_puts(o, "}]");
}

static const char *si_code_name(int signo, int code)
{
	static const char *const generic[] = { "SI_USER", "SI_QUEUE", "SI_TIMER", "SI_MESGQ",
					       "SI_ASYNCIO", "SI_SIGIO", "SI_TKILL" };
	static const char *const chld[] = { "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
					    "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
	static const char *const segv[] = { "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR" };
	static const char *const bus[] = { "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR" };
	static const char *const fpe[] = { "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
					   "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB" };
	static const char *const ill[] = { "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
					   "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK" };
	static const char *const trap[] = { "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT" };
	static const struct { int signo, n; const char *const *names; } by_signal[] = {
		{ SIGCHLD, 6, chld }, { SIGSEGV, 4, segv }, { SIGBUS, 3, bus },
		{ SIGFPE, 8, fpe }, { SIGILL, 8, ill }, { SIGTRAP, 4, trap },
	};

	if (code == 0x80)
		return "SI_KERNEL";
	if (code <= 0 && code >= -6)
		return generic[-code];
	if (signo == SIGSYS && code == 1)
		return "SYS_SECCOMP";
	for (size_t i = 0; i < sizeof by_signal / sizeof by_signal[0]; i++) {
		if (by_signal[i].signo == signo && code >= 1 && code <= by_signal[i].n)
			return by_signal[i].names[code - 1];
	}
	return NULL;
}

/* A CPU time in clock ticks (USER_HZ, 100 a second), with its seconds in
 * a comment when not 0, as strace shows it. */
static void put_clock_ticks(struct dc_out *o, const char *name, long t)
{
	dc_printf(o, ", %s=%ld", name, t);
	if (t > 0)
		dc_printf(o, " /* %ld.%02ld s */", t / 100, t % 100);
}

void dc_put_siginfo(struct dc_out *o, const struct tv_signal *s)
{
	const char *code = si_code_name(s->signo, s->code);

	dc_puts(o, "{si_signo=");
	dc_put_signame(o, s->signo, 1);
	if (code)
		dc_printf(o, ", si_code=%s", code);
	else
		dc_printf(o, ", si_code=%d", s->code);
	if (s->errno_value)
		dc_printf(o, ", si_errno=%d", s->errno_value);
	if (s->code == 0 || s->code == -6) {	/* SI_USER, SI_TKILL */
		dc_printf(o, ", si_pid=%d, si_uid=%d", s->pid, s->uid);
	} else if (s->code == -1 || s->code == -3) {	/* SI_QUEUE, SI_MESGQ */
		dc_printf(o, ", si_pid=%d, si_uid=%d, si_int=%d, si_ptr=", s->pid, s->uid, (int)s->value);
		dc_put_ptr(o, s->value);
	} else if (s->code == -2) {		/* SI_TIMER */
		dc_printf(o, ", si_timerid=%#x, si_overrun=%d, si_int=%d, si_ptr=", s->timerid,
			  s->overrun, (int)s->value);
		dc_put_ptr(o, s->value);
	} else if (s->code > 0 && s->signo == SIGCHLD) {
		dc_printf(o, ", si_pid=%d, si_uid=%d, si_status=", s->pid, s->uid);
		if (s->code == 1)	/* CLD_EXITED */
			dc_printf(o, "%d", s->status);
		else
			dc_put_signame(o, s->status, 1);
		put_clock_ticks(o, "si_utime", s->utime);
		put_clock_ticks(o, "si_stime", s->stime);
	} else if (s->code > 0 && s->code != 0x80 && s->signo == SIGSYS) {
		dc_puts(o, ", si_call_addr=");
		dc_put_ptr(o, s->addr);
		dc_puts(o, ", si_syscall=");
		dc_put_name(o, s->syscall);
		dc_printf(o, ", si_arch=%#x", s->arch);
	} else if (s->code > 0 && s->code != 0x80 &&
		   (s->signo == SIGSEGV || s->signo == SIGBUS || s->signo == SIGFPE ||
		    s->signo == SIGILL || s->signo == SIGTRAP)) {
		dc_puts(o, ", si_addr=");
		dc_put_ptr(o, s->addr);
	}
	dc_putc(o, '}');
}
