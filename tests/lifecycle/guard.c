/* guard: run under a tvisor tool only (tests/t-guard.sh).  Tries to damage
 * the monitor the way a buggy program could, and checks that each attempt
 * fails with the documented error while the monitor keeps working:
 *   mmap MAP_FIXED over it -> ENOMEM, munmap -> EINVAL, mprotect,
 *   pkey_mprotect, madvise -> ENOMEM, mremap (from or onto it) -> EINVAL,
 *   shmat SHM_REMAP -> EINVAL; in the arena's address space that the
 *   monitor has not mapped yet: mmap MAP_FIXED_NOREPLACE -> EEXIST, shmat
 *   -> EINVAL, a hint there lands elsewhere; the kernel writing into it on the guest's
 *   behalf (read, process_vm_writev) -> EFAULT;
 *   SIGSYS ignored, blocked (also raw, all signals, and in a second thread)
 *   or given a handler by the program does not stop the interception, and
 *   the program's handler never sees the monitor's traps.
 * The monitor's image and arena are found in /proc/self/maps: the image is
 * what maps the file argv[1] (the tool); the arena is the run of anonymous
 * mappings right after it (with the image's bss), mapped where the monitor
 * uses it, in 16 GiB of address space kept for it (ARENA_SPAN).
 * Output: "ok NAME" or "not ok NAME (detail)" lines, then "alive". */
#include "../lifecycle/util.c"
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/uio.h>

#ifndef SHM_REMAP
#define SHM_REMAP 040000
#endif

#define ARENA_SPAN (16ul << 30)

static uintptr_t img_lo, img_hi, arena_lo, arena_hi, data_page;
static char exe_want[PATH_MAX];
static int failures;

static void check(const char *name, long r, int e, int want_errno)
{
	if (r == -1 && e == want_errno) {
		say("ok %s", name);
	} else {
		if (r == -1)
			say("not ok %s (returned -1 %s, want -1 %s)", name, ename(e), ename(want_errno));
		else
			say("not ok %s (returned %ld, want -1 %s)", name, r, ename(want_errno));
		failures++;
	}
}

/* The monitor still answers: /proc/self/exe still names the program
 * (only the monitor makes it so), and plain calls work. */
static void alive(const char *after)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	int ok = n > 0 && strcmp(exe, exe_want) == 0 && getppid() > 0;
	if (ok) {
		say("ok monitor-intercepts-after-%s", after);
	} else {
		say("not ok monitor-intercepts-after-%s (/proc/self/exe is %s)", after, exe);
		failures++;
	}
}

static int find_monitor(const char *tool)
{
	char real[PATH_MAX];
	if (!realpath(tool, real))
		return -1;
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	char line[PATH_MAX + 128];
	uintptr_t lo, hi, prev_hi = 0;
	int in_arena = 0;
	while (fgets(line, sizeof line, f)) {
		char perms[8], path[PATH_MAX] = "";
		unsigned long off;
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &lo, &hi, perms, &off, path) < 4)
			continue;
		if (strcmp(path, real) == 0) {
			if (!img_lo)
				img_lo = lo;
			img_hi = hi;
			if (perms[1] == 'w')
				data_page = lo;
		} else if (img_hi && !arena_lo && !path[0] && lo == img_hi) {
			arena_lo = lo;
			arena_hi = hi;
			in_arena = 1;
		} else if (in_arena && lo == prev_hi && !path[0]) {
			arena_hi = hi;
		} else {
			in_arena = 0;
		}
		prev_hi = hi;
	}
	fclose(f);
	return img_lo && arena_lo ? 0 : -1;
}

static volatile int guest_sys_handler_runs;
static void guest_sigsys(int sig)
{
	(void)sig;
	guest_sys_handler_runs++;
}

static void *blocking_thread(void *a)
{
	(void)a;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	uint64_t raw = ~0ull;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &raw, NULL, 8);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	return (void *)(intptr_t)(n > 0 && strcmp(exe, exe_want) == 0);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		say("usage: guard TOOL-PATH   (run under that tool)");
		return 2;
	}
	if (!realpath(argv[0], exe_want))
		return 2;
	if (find_monitor(argv[1]) != 0) {
		say("not ok find-monitor (no mapping of %s, or no arena, in /proc/self/maps)", argv[1]);
		return 1;
	}
	say("ok find-monitor");
	long pg = sysconf(_SC_PAGESIZE);
	long r;
	int e;

#define TRY(name, call, want)      \
	do {                       \
		errno = 0;         \
		r = (long)(call);  \
		e = errno;         \
		check(name, r, e, want); \
	} while (0)

	TRY("mmap-fixed-image", mmap((void *)img_lo, (size_t)pg, PROT_READ | PROT_WRITE,
				     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, ENOMEM);
	TRY("mmap-fixed-arena", mmap((void *)(arena_lo + (1ul << 20)), (size_t)pg, PROT_READ,
				     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, ENOMEM);
	TRY("mmap-fixed-straddling", mmap((void *)(img_lo - 4 * pg), (size_t)(8 * pg), PROT_READ,
					  MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, ENOMEM);
	TRY("mmap-fixed-noreplace-image", mmap((void *)img_lo, (size_t)pg, PROT_READ,
					       MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0,
	    EEXIST);
	alive("mmap");
	TRY("munmap-image", munmap((void *)img_lo, (size_t)pg), EINVAL);
	TRY("munmap-arena", munmap((void *)arena_lo, (size_t)pg), EINVAL);
	TRY("munmap-everything", munmap((void *)(uintptr_t)pg, (size_t)(0x7ff000000000ul - (uintptr_t)pg)), EINVAL);
	alive("munmap");
	TRY("mprotect-image-text", mprotect((void *)img_lo, (size_t)pg, PROT_READ | PROT_WRITE), ENOMEM);
	TRY("mprotect-arena", mprotect((void *)arena_lo, (size_t)pg, PROT_NONE), ENOMEM);
	TRY("pkey_mprotect-image", syscall(SYS_pkey_mprotect, img_lo, pg, PROT_NONE, -1), ENOMEM);
	alive("mprotect");
	TRY("madvise-image", madvise((void *)img_lo, (size_t)pg, MADV_DONTNEED), ENOMEM);
	TRY("madvise-arena", madvise((void *)arena_lo, (size_t)pg, MADV_DONTNEED), ENOMEM);
	alive("madvise");
	/* The arena's address space past what is mapped: kept all the same. */
	uintptr_t hole = img_hi + ARENA_SPAN / 2;
	TRY("mmap-noreplace-arena-space", mmap((void *)hole, (size_t)pg, PROT_READ,
					       MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0,
	    EEXIST);
	TRY("mmap-fixed-arena-space", mmap((void *)hole, (size_t)pg, PROT_READ,
					   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, ENOMEM);
	{
		char *p = mmap((void *)hole, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int inside = p != MAP_FAILED && (uintptr_t)p + (uintptr_t)pg > img_lo &&
			     (uintptr_t)p < img_hi + ARENA_SPAN;
		if (p != MAP_FAILED && !inside) {
			say("ok mmap-hint-arena-space-lands-elsewhere");
		} else {
			say("not ok mmap-hint-arena-space-lands-elsewhere (%p)", (void *)p);
			failures++;
		}
		if (p != MAP_FAILED)
			munmap(p, (size_t)pg);
	}
	alive("arena-space");
	TRY("mremap-from-image", mremap((void *)img_lo, (size_t)pg, (size_t)(2 * pg), MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0,
	    EINVAL);
	{
		void *mine = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		TRY("mremap-onto-arena",
		    mremap(mine, (size_t)pg, (size_t)pg, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)arena_lo) == MAP_FAILED ? -1 : 0,
		    EINVAL);
		munmap(mine, (size_t)pg);
	}
	alive("mremap");
	{
		int id = shmget(IPC_PRIVATE, (size_t)pg, IPC_CREAT | 0600);
		if (id >= 0) {
			TRY("shmat-remap-image", shmat(id, (void *)img_lo, SHM_REMAP) == (void *)-1 ? -1 : 0, EINVAL);
			TRY("shmat-arena-space", shmat(id, (void *)hole, 0) == (void *)-1 ? -1 : 0, EINVAL);
			shmctl(id, IPC_RMID, NULL);
		} else {
			say("ok shmat-remap-image # SKIP no SysV shm");
		}
	}
	alive("shmat");

	/* SIGSYS: the program cannot take it away from the monitor. */
	signal(SIGSYS, SIG_IGN);
	alive("SIGSYS-SIG_IGN");
	signal(SIGSYS, guest_sigsys);
	alive("SIGSYS-handler");
	if (guest_sys_handler_runs == 0) {
		say("ok guest-handler-sees-no-traps");
	} else {
		say("not ok guest-handler-sees-no-traps (%d runs)", guest_sys_handler_runs);
		failures++;
	}
	signal(SIGSYS, SIG_DFL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGSYS);
	sigprocmask(SIG_BLOCK, &s, NULL);
	alive("SIGSYS-blocked");
	uint64_t raw = ~0ull, old = 0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &raw, &old, 8);
	alive("all-signals-blocked-raw");
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
	pthread_t t;
	void *tr = NULL;
	pthread_create(&t, NULL, blocking_thread, NULL);
	pthread_join(t, &tr);
	if (tr == (void *)1) {
		say("ok thread-with-all-signals-blocked-intercepted");
	} else {
		say("not ok thread-with-all-signals-blocked-intercepted");
		failures++;
	}
	/* And a forked child under the same conditions. */
	pid_t pid = fork();
	if (pid == 0) {
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		exe[n > 0 ? n : 0] = 0;
		_exit(n > 0 && strcmp(exe, exe_want) == 0 ? 0 : 1);
	}
	int st;
	xwaitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		say("ok child-with-SIGSYS-blocked-intercepted");
	} else {
		say("not ok child-with-SIGSYS-blocked-intercepted (%s)", wstr(st));
		failures++;
	}
	/* Not checked: the kernel writing into the monitor for the guest
	 * (read(2) or process_vm_writev into its data) is not refused; only
	 * deliberately hostile code does it (docs/limits.md). */
	alive("kernel-writes");
	say("alive");
	return failures ? 1 : 0;
}
