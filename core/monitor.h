/* The monitor's internal state: threads, their pairing channel, and the
 * entry points shared between core/ files. */
#ifndef TV_MONITOR_H
#define TV_MONITOR_H

#include "rt.h"

/* Each guest thread G has a region of REGION_SIZE bytes, aligned to its
 * size, holding (from low to high) a guard page, its kernel thread K's
 * stack, a guard page, G's monitor sigaltstack, and struct tv_thread in
 * the last page.  Code running on either stack finds its tv_thread by
 * rounding the stack pointer down: no TLS is needed. */
#define REGION_SIZE   (256 * 1024ul)
#define KSTACK_OFF    TV_PAGE
#define KSTACK_SIZE   (96 * 1024ul)
#define ALTSTACK_OFF  (KSTACK_OFF + KSTACK_SIZE + TV_PAGE)
#define ALTSTACK_SIZE (REGION_SIZE - ALTSTACK_OFF - TV_PAGE)
#define THREAD_OFF    (REGION_SIZE - TV_PAGE)

/* Channel states: G posts a request, K posts a reply, G consumes it. */
enum { CHAN_IDLE, CHAN_REQUEST, CHAN_REPLY };

/* What G asks of K. */
enum chan_op {
	OP_CALL,	/* run the tool's enter hook and, unless local, the call */
	OP_EXIT_HOOK,	/* a local call ran on G: run the tool's exit hook */
	OP_MIRROR,	/* a credential call succeeded on G: run it on K too */
	OP_G_EXITING,	/* G is ending: wait for it, clean up, end K */
};

/* What K answers to OP_CALL. */
enum chan_reply {
	REPLY_DONE,	/* call.ret is the result */
	REPLY_RUN_HERE,	/* G must perform the call itself */
};

struct tv_chan {
	int state;
	int req_seq;		/* numbers G's OP_CALL requests, for interrupts */
	int k_sleeping, g_sleeping;
	int k_spin, g_spin;	/* adaptive spin budgets (thread.c) */
	enum chan_op op;
	enum chan_reply reply;
	int local;		/* the call must run on G */
	int hooked;		/* the tool asked for this number */
	struct tv_call call;
};

/* The signal G uses to interrupt K's blocking call.  It is the guest's
 * too (its disposition is kept virtual like the others); glibc's and
 * musl's SIGRTMAX, rarely used. */
#define TV_SIG_INTERRUPT 64
#define TV_MAX_PENDING 8

struct tv_pending {
	int sig;
	siginfo_t info;
};

struct tv_gfilter;

struct tv_thread {
	struct tv_chan chan;
	struct tv_thread *next;	/* all pairs, for reuse */
	int pid;		/* the guest process this pair belongs to */
	int g_tid;
	int g_alive;		/* G's clear_child_tid: the kernel zeroes it when G is gone */
	int k_alive;		/* K's clear_child_tid: zero once K is gone */
	int retired;		/* K is done with the region */
	tv_ucontext *uc;	/* the guest context of the call in progress */
	int k_tid;
	int in_monitor;		/* G is handling a trapped call */
	int intr_seq;		/* the request G asked K to abandon */
	int kseq[2];		/* K's request and the one to bail out of: see tv_kcall */
	int gseq[2];		/* the same for a blocking call G runs itself (emulate.c) */
	struct tv_ksigaction *actions;	/* the guest's dispositions (signal.c) */
	struct tv_gfilter *gfilters;	/* the guest's seccomp filters, newest first */
	int trap_all;		/* the kernel filter traps every call of this thread */
	int strict;		/* the guest asked for SECCOMP_MODE_STRICT */
	int npending;		/* signals that arrived while in the monitor */
	struct tv_pending pending[TV_MAX_PENDING];
	uintptr_t guest_ctid;	/* the guest's own clear_child_tid, cleared by K */
	int exit_code;
	void *region;
	uintptr_t resume_sp;		/* a new thread's first frame */
	uintptr_t child_settid;		/* CLONE_CHILD_SETTID for a new thread */
	unsigned long clone_flags;	/* how a new thread or process was made */
	/* The guest's virtual sigaltstack (the real one is the monitor's). */
	uintptr_t guest_ss_sp;
	size_t guest_ss_size;
	int guest_ss_flags;
	int guest_sigsys_blocked;
	int sigsys_pending;	/* a kill -SYS the guest blocks, held back */
	siginfo_t sigsys_info;
};

_Static_assert(THREAD_OFF + sizeof(struct tv_thread) <= REGION_SIZE, "tv_thread fits its page");

static inline struct tv_thread *tv_self(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	return (struct tv_thread *)((sp & ~(REGION_SIZE - 1)) + THREAD_OFF);
}

/* The kernel's on_sig_stack and sas_ss_flags for the guest's virtual
 * sigaltstack: guest_ss_flags holds the flags the guest set, as the
 * kernel's sas_ss_flags does (SS_DISABLE once disarmed). */
static inline int tv_on_guest_altstack(const struct tv_thread *t, uintptr_t sp)
{
	if (t->guest_ss_flags & SS_AUTODISARM)
		return 0;
	return sp > t->guest_ss_sp && sp - t->guest_ss_sp <= t->guest_ss_size;
}

static inline int tv_guest_altstack_state(const struct tv_thread *t, uintptr_t sp)
{
	if (!t->guest_ss_size)
		return SS_DISABLE;
	return tv_on_guest_altstack(t, sp) ? SS_ONSTACK : 0;
}

static inline void *tv_altstack_base(struct tv_thread *t)
{
	return (char *)t->region + ALTSTACK_OFF;
}

/* The kernel's rt_sigaction argument (the same layout on x86_64 and
 * arm64; the UAPI headers only show libc-style variants). */
struct tv_ksigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static inline uint64_t tv_sigbit(int sig) { return 1ull << (sig - 1); }

/* Global monitor state, set up once before the guest runs. */
struct tv_global {
	int pid;
	char *monitor_path;	/* the monitor binary, for exec */
	uintptr_t brk_start, brk_cur;
	tv_lock_t brk_lock;
	const unsigned char *tool_nrs;	/* nonzero for numbers the tool hooks */
	long nr_max;
	struct tv_ksigaction guest_sigsys;	/* the guest's view of SIGSYS */
	char *guest_exe;	/* what /proc/self/exe shows the guest */
	uintptr_t arg_start, arg_end, env_start, env_end, auxv;	/* the guest's, for /proc */
	size_t auxv_size;
	int nthreads;		/* live guest threads of this process */
	int leader_code, leader_gone;	/* the main thread's SYS_exit status */
	char **tool_argv;	/* the tool options, given again at every exec */
	int tool_argc;
};
extern struct tv_global tv_g;

/* arena.c */
int tv_arena_init(void);
void *tv_arena_alloc(size_t len, size_t align);
void tv_arena_after_fork(void);
int tv_guard_overlaps(uintptr_t addr, size_t len);

/* thread.c */
struct tv_thread *tv_thread_new(void);
void tv_thread_discard(struct tv_thread *t);
struct tv_thread *tv_thread_find(int tid);
int tv_thread_is_kthread(int tid);
void tv_threads_after_fork(struct tv_thread *self);
void tv_threads_share_gfilters(struct tv_gfilter *f);
void tv_spin_calibrate(void);
int tv_kthread_start(struct tv_thread *t);
long tv_chan_call(struct tv_thread *t, enum chan_op op);
void tv_run_call(struct tv_thread *t, int on_k);
void tv_chan_post(struct tv_thread *t, enum chan_op op);

/* sigsys.c */
int tv_install_sigsys(void);
int tv_install_filter(const int *nrs, unsigned long flags);

/* sysclass.c: the one table of how each call is run. */
int tv_call_is_local(long nr, const long *args);
int tv_call_mirrors_to_k(long nr);
int tv_call_never_blocks(long nr);
extern const int tv_core_nrs[];

/* emulate.c: calls the core itself performs. */
long tv_emulate_on_k(struct tv_call *c, int *handled);
long tv_guest_altstack_set(struct tv_thread *t, const stack_t *ss, uintptr_t sp);

/* clone.c */
long tv_emu_clone(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c);

/* signal.c */
void tv_signals_init(struct tv_thread *t);
int tv_signals_probe_ss_flags(void);
struct tv_ksigaction *tv_signals_for_child(struct tv_thread *t, unsigned long clone_flags);
long tv_emu_sigaction(const long *args);
int tv_signals_finish(struct tv_thread *t, tv_ucontext *uc, long nr, const long *args, long ret);
void tv_signals_foreign_sigsys(struct tv_thread *t, tv_ucontext *uc, siginfo_t *info);
void tv_signals_sigsys_unblocked(struct tv_thread *t);
uint64_t tv_signals_guest_set(const struct tv_thread *t, int ignored);

void tv_signals_seccomp(struct tv_thread *t, tv_ucontext *uc, uint32_t verdict);
__attribute__((noreturn)) void tv_signals_sigreturn(struct tv_thread *t, uintptr_t sp);

/* gfilter.c */
long tv_gfilter_call(struct tv_thread *t, const struct tv_call *c);
int tv_gfilter_is_call(const struct tv_call *c);
uint32_t tv_gfilter_verdict(const struct tv_thread *t, const tv_ucontext *uc);
long tv_gfilter_result(uint32_t verdict);
long tv_gfilter_save(const struct tv_thread *t);
void tv_gfilter_load(struct tv_thread *t, int fd);

/* fdmark.c */
enum tv_fd_kind { TV_FD_SIGNALFD, TV_FD_TASKDIR, TV_FD_KINDS };
void tv_fd_mark(long fd, enum tv_fd_kind kind);
int tv_fd_is(long fd, enum tv_fd_kind kind);
void tv_fd_note(const struct tv_call *c);
void tv_fd_scan(void);

/* procstatus.c */
long tv_procstatus_open(int tid, int stat, long flags);
long tv_procstatus_getdents(const long *args);

/* The kernel's getdents64 record. */
struct tv_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* exec.c */
long tv_emu_execve(struct tv_call *c);

/* procself.c */
long tv_emu_procself(struct tv_call *c, int *handled);
const char *tv_procself_resolve(const char *path);
void tv_alloc_after_fork(void);
void tv_emulate_on_g(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c);


#endif
