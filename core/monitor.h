/* The monitor's internal state: threads, their pairing channel, and the
 * entry points shared between core/ files. */
#ifndef TV_MONITOR_H
#define TV_MONITOR_H

#include "rt.h"

/* Each guest thread G has a region of REGION_SIZE bytes, aligned to its
 * size, holding (from low to high) a guard page, the stack of its kernel
 * thread K (used only when a tool's hooks run paired, thread.c), a guard
 * page, G's monitor sigaltstack, and struct tv_thread in the last page.
 * Code running on either stack finds its tv_thread by rounding the stack
 * pointer down: no TLS is needed.  Pages never touched cost no memory. */
#define REGION_SIZE   (256 * 1024ul)
#define KSTACK_OFF    TV_PAGE
#define KSTACK_SIZE   (96 * 1024ul)
#define ALTSTACK_OFF  (KSTACK_OFF + KSTACK_SIZE + TV_PAGE)
#define ALTSTACK_SIZE (REGION_SIZE - ALTSTACK_OFF - TV_PAGE)
#define THREAD_OFF    (REGION_SIZE - TV_PAGE)

/* The kernel's -ERESTARTSYS: tv_icall bailed out, the call never ran. */
#define TV_ERESTARTSYS 512

/* The pairing channel (thread.c): G posts a request, K runs the hook and
 * posts the reply, G consumes it. */
enum { CHAN_IDLE, CHAN_REQUEST, CHAN_REPLY };

enum chan_op {
	OP_ENTER,	/* run the tool's enter hook on call */
	OP_EXIT,	/* run the tool's exit hook on call */
	OP_G_EXITING,	/* G is ending: K ends too, without a reply */
};

struct tv_chan {
	int state;
	int k_sleeping, g_sleeping;
	int k_spin, g_spin;	/* adaptive spin budgets (thread.c) */
	enum chan_op op;
	enum tv_verdict verdict;
	struct tv_call *call;	/* on G's altstack, for the request's lifetime */
};

#define TV_MAX_PENDING 8

struct tv_pending {
	int sig;
	siginfo_t info;
};

struct tv_gfilter;

/* A guest's argv and envp, copied for its execve (exec.c). */
struct tv_exec_args {
	char **argv, **envp;
	int argc, envc;
};

struct tv_thread {
	/* First, and npending right after it: entry.S reaches both through
	 * the thread key (arch rewrite.h). */
	struct tv_rw rw;
	int npending;		/* signals that arrived while in the monitor: tv_icall bails out */
	int rw_restart;		/* the stub path's call runs again after a handler */
	struct tv_chan chan;
	struct tv_thread *next;	/* all regions, for reuse */
	int pid;		/* the guest process this thread belongs to */
	int g_tid;		/* 0 once the region holds no thread */
	int retired;		/* G is gone or going: the region is free once the kernel says so */
	int k_alive;		/* K's clear_child_tid: nonzero while K runs */
	int k_tid;
	tv_ucontext *uc;	/* the guest context of the call in progress */
	struct tv_ksigaction *actions;	/* the guest's dispositions (signal.c) */
	struct tv_gfilter *gfilters;	/* the guest's seccomp filters, newest first */
	int trap_all;		/* the kernel filter traps every call of this thread */
	int strict;		/* the guest asked for SECCOMP_MODE_STRICT */
	struct tv_pending pending[TV_MAX_PENDING];
	void *region;
	uintptr_t resume_sp;		/* a new thread's first frame */
	unsigned long clone_flags;	/* how a new thread or process was made */
	struct tv_fork fork;		/* a new process: for the tool's fork_child() */
	/* The guest's virtual sigaltstack (the real one is the monitor's). */
	uintptr_t guest_ss_sp;
	size_t guest_ss_size;
	int guest_ss_flags;
	int guest_sigsys_blocked;
	int sigsys_pending;	/* a kill -SYS the guest blocks, held back */
	siginfo_t sigsys_info;
	/* A vfork child's execve leaves what it copied in the memory it
	 * shares with its parent, which frees it once the child is gone. */
	struct tv_exec_args exec_args;
	char **exec_margv;
	/* The first signal recorded in the monitor blocks every signal where
	 * it came; this is the mask it found there (signal.c, record). */
	int record_blocked;
	uint64_t record_mask;
};

_Static_assert(THREAD_OFF + sizeof(struct tv_thread) <= REGION_SIZE, "tv_thread fits its page");
_Static_assert(__builtin_offsetof(struct tv_thread, npending) == sizeof(struct tv_rw),
	       "npending follows the save area");

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
	uintptr_t va_top;	/* where user space ends (place.c) */
	uintptr_t brk_start, brk_cur;
	tv_lock_t brk_lock;
	const unsigned char *tool_nrs;	/* nonzero for numbers the tool hooks */
	long nr_max;
	int pair;		/* --pair: every hook runs on a kernel thread */
	int exact_proc;		/* --exact-proc: the core traps /proc/self's path calls */
	int no_vdso;		/* --no-vdso: the guest's auxv has no AT_SYSINFO_EHDR */
	int rewrite;		/* --rewrite: enum tv_rewrite */
	const char *rewrite_stats;	/* --rewrite-stats=FILE: what it did, at exit_group */
	struct tv_ksigaction guest_sigsys;	/* the guest's view of SIGSYS */
	char *guest_exe;	/* what /proc/self/exe shows the guest */
	uintptr_t arg_start, arg_end, env_start, env_end, auxv;	/* the guest's, for /proc */
	size_t auxv_size;
	int nthreads;		/* live guest threads of this process */
	int kthreads;		/* kernel threads were made in this process */
	int exiting;		/* a thread is ending the process (tool's process_exit) */
	char **tool_argv;	/* the tool options, given again at every exec */
	int tool_argc;
};
extern struct tv_global tv_g;

/* What the core does with one call, on the thread that made it: a row of
 * the dispatch table (dispatch.c).  emulate, when set, produces the result
 * (and makes the real call itself, through tv_call_plain, when it wants
 * it); otherwise the call runs as the guest made it. */
typedef long tv_emulate_fn(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c);

/* Why the core traps a call whatever the tool asks for (a set of bits;
 * none: only when the tool asks, and emulate still applies then). */
enum tv_need {
	NEED_ALWAYS = 1,	/* threads, exec, signals, brk, guest filters, /proc/self/exe */
	NEED_GUARD = 2,		/* only when its arguments may reach the monitor's memory */
	NEED_PAIRED = 4,	/* only while kernel threads exist to hide (--pair) */
	NEED_PROC = 8,		/* with --exact-proc: /proc/self paths show the guest */
	NEED_REWRITE = 16,	/* while the rewrite tier is on */
	NEED_STATS = 32,	/* with --rewrite-stats */
	NEED_EXIT_HOOK = 64,	/* when the tool has a process_exit hook */
};

enum tv_rewrite { TV_REWRITE_OFF, TV_REWRITE_LAZY, TV_REWRITE_EAGER };

struct tv_sysrow {
	tv_emulate_fn *emulate;
	unsigned char need;	/* enum tv_need */
	unsigned char guard;	/* enum tv_guard_kind, for NEED_GUARD */
	unsigned char flag_arg;	/* the guard's flag argument */
	unsigned flag_mask;
	unsigned char direct;	/* needs no signal frame: rewritten sites make it */
};

/* dispatch.c */
const struct tv_sysrow *tv_sysrow(long nr);
int tv_core_nrs(int *out, int cap);
struct tv_filter_guard;
int tv_core_guards(struct tv_filter_guard *out, int cap);
long tv_call_plain(struct tv_thread *t, const struct tv_call *c);
uint64_t tv_block_all(void);
void tv_set_mask(uint64_t mask);

/* Does [a, a + alen) touch [lo, hi)?  A range that wraps reaches
 * everything above a. */
static inline int tv_range_overlaps(uintptr_t a, uintptr_t alen, uintptr_t lo, uintptr_t hi)
{
	uintptr_t end = a + alen;
	if (end < a)
		end = ~(uintptr_t)0;
	return a < hi && end > lo;
}

/* The monitor's memory is one range: its image, at the place it chose at
 * start (place.c), then its arena (arena.c). */
#define TV_ENV_BASE "TVISOR_IMAGE_BASE="	/* the tester's place, for the first monitor */
uintptr_t tv_va_top(uintptr_t sp);
uintptr_t tv_image_base(void);
void tv_place_settle(uintptr_t old);
__attribute__((noreturn)) void tv_main(uintptr_t *initial_sp, uintptr_t old_image);

/* arena.c */
size_t tv_arena_size(uintptr_t top);
int tv_arena_init(uintptr_t top);
void *tv_arena_alloc(size_t len, size_t align);
void tv_arena_after_fork(void);
int tv_guard_overlaps(uintptr_t addr, size_t len);
void tv_guard_span(uintptr_t *lo, uintptr_t *hi);

/* thread.c */
struct tv_thread *tv_thread_new(void);
void tv_thread_discard(struct tv_thread *t);
void tv_thread_retire(struct tv_thread *t);
struct tv_thread *tv_thread_find(int tid);
int tv_thread_is_kthread(int tid);
void tv_threads_after_fork(struct tv_thread *self);
void tv_threads_share_gfilters(struct tv_gfilter *f);
void tv_spin_calibrate(void);
enum tv_verdict tv_hook_enter(struct tv_thread *t, struct tv_call *c);
void tv_hook_exit(struct tv_thread *t, struct tv_call *c);

/* sigsys.c */
void tv_run_call(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c);
int tv_install_sigsys(void);
int tv_install_filter(const int *nrs, unsigned long flags);

/* emulate.c: calls the core itself performs. */
tv_emulate_fn tv_emu_sigprocmask, tv_emu_sigpending, tv_emu_sigaltstack, tv_emu_brk,
	tv_emu_memory, tv_emu_exit, tv_emu_exit_group, tv_emu_getdents;
long tv_guest_altstack_set(struct tv_thread *t, const stack_t *ss, uintptr_t sp);

/* clone.c */
tv_emulate_fn tv_emu_clone;

/* signal.c */
void tv_signals_init(struct tv_thread *t);
int tv_signals_probe_ss_flags(void);
struct tv_ksigaction *tv_signals_for_child(struct tv_thread *t, unsigned long clone_flags);
void tv_signals_clear_handlers(struct tv_thread *t);
tv_emulate_fn tv_emu_sigaction, tv_emu_sigreturn;
void tv_signals_set_result(tv_ucontext *uc, long ret);
__attribute__((noreturn)) void tv_signals_return(struct tv_thread *t, tv_ucontext *uc,
						 const siginfo_t *info);
void tv_signals_foreign_sigsys(struct tv_thread *t, tv_ucontext *uc, siginfo_t *info);
void tv_signals_sigsys_unblocked(struct tv_thread *t);
void tv_signals_trapped(struct tv_thread *t, tv_ucontext *uc);
void tv_signals_requeue(struct tv_thread *t, int to_process);
uint64_t tv_signals_guest_set(const struct tv_thread *t, int ignored);
void tv_signals_seccomp(struct tv_thread *t, tv_ucontext *uc, uint32_t verdict);

/* gfilter.c */
tv_emulate_fn tv_emu_seccomp, tv_emu_prctl;
uint32_t tv_gfilter_verdict(const struct tv_thread *t, const tv_ucontext *uc);
long tv_gfilter_result(uint32_t verdict);
long tv_gfilter_save(const struct tv_thread *t);
void tv_gfilter_load(struct tv_thread *t, int fd);

/* fdmark.c: descriptors of task directories, whose listings hide K. */
void tv_fd_mark_taskdir(long fd);
int tv_fd_is_taskdir(long fd);
void tv_fd_note(const struct tv_call *c);

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

/* rewrite.c */
int tv_rw_init(void);
void tv_rw_thread_start(struct tv_thread *t);
void tv_rw_after_fork(void);
void tv_rw_thread_end(struct tv_thread *t);
void tv_rw_clone_begin(struct tv_thread *t, unsigned long flags);
void tv_rw_clone_end(struct tv_thread *t, unsigned long flags);
void tv_rw_trapped(struct tv_thread *t, const tv_ucontext *uc, long nr);
int tv_rw_memory_begin(const struct tv_call *c);
void tv_rw_memory_done(int locked);
int tv_rw_overlaps(uintptr_t addr, size_t len);
void tv_rw_disable(void);
int tv_rw_handle(void);
int tv_rw_reentry(const siginfo_t *si);
__attribute__((noreturn)) void tv_rw_reentered(struct tv_thread *t, tv_ucontext *uc,
					       const siginfo_t *si);
void tv_rw_fallback(struct tv_thread *t, tv_ucontext *uc, const siginfo_t *si);
int tv_rw_guest_context(tv_ucontext *uc);
tv_emulate_fn tv_emu_arch_prctl;
void tv_rw_report(void);

/* exec.c */
tv_emulate_fn tv_emu_execve;
void tv_exec_args_free(struct tv_exec_args *x);

/* procself.c */
tv_emulate_fn tv_emu_procself;
const char *tv_procself_resolve(const char *path);
void tv_procself_publish(void);
void tv_alloc_after_fork(void);

#endif
