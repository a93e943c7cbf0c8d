/* Which calls the core itself needs to see, and which must run on the guest
 * thread rather than on its kernel thread.  This is the one place that
 * knows it: a call acting on "the calling thread" would act on K if K ran
 * it. */
#include <linux/sched.h>
#include <linux/errno.h>
#include "monitor.h"

/* Trapped whatever the tool asks for. */
const int tv_core_nrs[] = {
	__NR_clone, __NR_clone3, __NR_execve, __NR_execveat, __NR_exit,
	__NR_rt_sigaction, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_sigaltstack,
	__NR_rt_sigsuspend, __NR_rt_sigtimedwait, __NR_rt_sigpending, __NR_brk,
	__NR_set_tid_address, __NR_seccomp, __NR_prctl,
	/* Credentials: K must take them on too (tv_call_mirrors_to_k). */
	__NR_setuid, __NR_setgid, __NR_setreuid, __NR_setregid, __NR_setresuid,
	__NR_setresgid, __NR_setfsuid, __NR_setfsgid, __NR_setgroups, __NR_capset,
	/* Reads of signalfds run on G, task directories hide K (fdmark.c). */
	__NR_signalfd4, __NR_getdents64,
#ifdef __NR_signalfd
	__NR_signalfd,
#endif
	/* /proc/self shows the guest, not the monitor (procself.c). */
	__NR_readlinkat, __NR_openat, __NR_newfstatat, __NR_statx,
#ifdef __NR_readlink
	__NR_readlink, __NR_open, __NR_stat,
#endif
	/* The memory calls, so the guest cannot unmap or overwrite us. */
	__NR_mmap, __NR_munmap, __NR_mprotect, __NR_pkey_mprotect, __NR_madvise,
	__NR_mremap, __NR_shmat,
#ifdef __NR_fork
	__NR_fork,
#endif
#ifdef __NR_vfork
	__NR_vfork,
#endif
#ifdef __NR_pause
	__NR_pause,
#endif
	-1
};

#define CLOCK_THREAD_CPUTIME 3
#define CPUCLOCK_PERTHREAD 4
#define RUSAGE_THREAD 1

/* A CPU-time clock of the calling thread: CLOCK_THREAD_CPUTIME_ID, or the
 * encoded form (~tid << 3 | flags) with tid 0. */
static int is_own_thread_clock(long id)
{
	if (id == CLOCK_THREAD_CPUTIME)
		return 1;
	return id < 0 && (id & CPUCLOCK_PERTHREAD) && (~id >> 3) == 0;
}

int tv_call_is_local(long nr, const long *a)
{
	switch (nr) {
	/* Emulated on G by the core. */
	case __NR_rt_sigreturn:
	case __NR_rt_sigprocmask:
	case __NR_sigaltstack:
	case __NR_exit:
	case __NR_clone:
	case __NR_clone3:
	case __NR_set_tid_address:
	case __NR_execve:
	case __NR_execveat:
#ifdef __NR_fork
	case __NR_fork:
#endif
#ifdef __NR_vfork
	case __NR_vfork:
#endif
#ifdef __NR_pause
	case __NR_pause:
#endif
	/* Signal waits see G's own pending set and mask. */
	case __NR_rt_sigsuspend:
	case __NR_rt_sigpending:
	case __NR_rt_sigtimedwait:
	/* Per-thread state in the kernel. */
	case __NR_gettid:
	case __NR_set_robust_list:
	case __NR_rseq:
	case __NR_sched_yield:
	case __NR_getcpu:
	case __NR_prctl:
	case __NR_seccomp:
	case __NR_unshare:
	case __NR_setns:
	case __NR_personality:
	case __NR_set_mempolicy:
	case __NR_get_mempolicy:
	case __NR_capget:
#ifdef __NR_arch_prctl
	case __NR_arch_prctl:
#endif
		return 1;
	/* Waits that end on a signal, with G's mask; and signals sent to
	 * this thread or process, which the kernel gives the sender first
	 * when it does not block them (emulate.c, blocking_on_g). */
	case __NR_kill:
	case __NR_tkill:
	case __NR_tgkill:
#ifdef __NR_poll
	case __NR_poll:
	case __NR_select:
	case __NR_epoll_wait:
#endif
	case __NR_ppoll:
	case __NR_pselect6:
	case __NR_epoll_pwait:
	case __NR_epoll_pwait2:
	/* The kernel lets a thread queue any siginfo to its own process only
	 * when it is the main thread: K is not. */
	case __NR_rt_sigqueueinfo:
	case __NR_rt_tgsigqueueinfo:
		return 1;
	case __NR_read:
	case __NR_readv:
		return tv_fd_is(a[0], TV_FD_SIGNALFD);
	case __NR_get_robust_list:
	case __NR_sched_setaffinity:
	case __NR_sched_getaffinity:
	case __NR_sched_setscheduler:
	case __NR_sched_getscheduler:
	case __NR_sched_setparam:
	case __NR_sched_getparam:
	case __NR_sched_setattr:
	case __NR_sched_getattr:
		return a[0] == 0;	/* pid 0: the calling thread */
	case __NR_getpriority:
	case __NR_setpriority:
	case __NR_ioprio_get:
	case __NR_ioprio_set:
		return a[0] == 1 && a[1] == 0;	/* PRIO_PROCESS / IOPRIO_WHO_PROCESS, self */
	case __NR_getrusage:
		return a[0] == RUSAGE_THREAD;
	case __NR_clock_gettime:
	case __NR_clock_getres:
		return is_own_thread_clock(a[0]);
	case __NR_ptrace:
		return a[0] == 0;	/* PTRACE_TRACEME */
	}
	return tv_call_mirrors_to_k(nr);
}

/* Credentials are per-thread in the kernel.  These run on G and, when
 * they succeed, again on K, so K's calls keep G's identity. */
int tv_call_mirrors_to_k(long nr)
{
	switch (nr) {
	case __NR_setuid:
	case __NR_setgid:
	case __NR_setreuid:
	case __NR_setregid:
	case __NR_setresuid:
	case __NR_setresgid:
	case __NR_setfsuid:
	case __NR_setfsgid:
	case __NR_setgroups:
	case __NR_capset:
		return 1;
	}
	return 0;
}

/* Calls that return without waiting for anything: the core may run them
 * on the guest thread, skipping the hand-off to K (tv_tool.inline_hooks
 * says whether the tool's hooks may run there too). */
int tv_call_never_blocks(long nr)
{
	switch (nr) {
	case __NR_getpid: case __NR_getppid: case __NR_gettid:
	case __NR_getuid: case __NR_geteuid: case __NR_getgid: case __NR_getegid:
	case __NR_getresuid: case __NR_getresgid: case __NR_getgroups:
	case __NR_getpgid: case __NR_getsid: case __NR_uname: case __NR_umask:
	case __NR_getcwd: case __NR_clock_gettime: case __NR_clock_getres:
	case __NR_gettimeofday: case __NR_getpriority: case __NR_sysinfo:
	case __NR_getrlimit: case __NR_prlimit64: case __NR_getrusage: case __NR_times:
	case __NR_lseek: case __NR_fstat: case __NR_dup: case __NR_dup3:
	case __NR_pipe2: case __NR_eventfd2: case __NR_brk: case __NR_mmap:
	case __NR_munmap: case __NR_mprotect: case __NR_madvise: case __NR_mremap:
	case __NR_sched_getaffinity:
	/* File metadata: no event to wait for (a FUSE server that hangs
	 * would hold the guest thread, signals deferred, until it answers). */
	case __NR_newfstatat: case __NR_statx: case __NR_readlinkat:
	case __NR_faccessat: case __NR_faccessat2: case __NR_getdents64:
#ifdef __NR_stat
	case __NR_stat: case __NR_lstat: case __NR_readlink: case __NR_access:
#endif
#ifdef __NR_getpgrp
	case __NR_getpgrp:
#endif
#ifdef __NR_time
	case __NR_time:
#endif
#ifdef __NR_dup2
	case __NR_dup2:
#endif
		return 1;
	}
	return 0;
}
