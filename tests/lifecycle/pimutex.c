/* pimutex: priority-inheritance and robust pthread mutexes, with threads.
 * The kernel keeps a PI futex's owner and a robust list per thread (the
 * futex word holds the owner's tid; a thread's robust list is walked when
 * that thread exits), so these only work if every futex call is made by
 * the thread that asked for it.
 *
 *   pi-errorcheck  PRIO_INHERIT + ERRORCHECK: lock, relock by the owner,
 *                  trylock by the owner, unlock / trylock / timedlock from
 *                  another thread, unlock twice
 *   pi-handoff     the same mutex passed to a thread that was blocked in
 *                  the kernel (FUTEX_LOCK_PI): the new owner's relock,
 *                  trylock and unlock, the old owner's trylock and unlock
 *   pi-normal      a plain PI mutex relocked by its owner with a timeout:
 *                  the libc turns the kernel's EDEADLK into a wait that ends
 *                  with ETIMEDOUT
 *   robust-*       PTHREAD_MUTEX_ROBUST, non-PI and PI, taken without and
 *                  with contention, held by a thread that exits: the next
 *                  lock gives EOWNERDEAD, pthread_mutex_consistent, unlock,
 *                  lock again; and left inconsistent: ENOTRECOVERABLE
 *   pshared        a process-shared robust PI mutex in MAP_SHARED memory
 *                  held by a fork child that _exits
 *   pi-contention  4 threads x 1000 locked increments on a PI mutex
 *
 * Each part runs in a forked child under alarm(), so a lock that hangs or a
 * libc assertion becomes a printed difference within seconds.  Nothing
 * printed depends on timing: where a thread may or may not reach the kernel
 * before the lock is released, either way gives the same results. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

static void mutex_init(pthread_mutex_t *m, int type, int pi, int robust, int pshared)
{
	pthread_mutexattr_t a;
	int r;
	pthread_mutexattr_init(&a);
	if ((r = pthread_mutexattr_settype(&a, type)) != 0)
		say("  settype: %s", ename_ok(r));
	if (pi && (r = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT)) != 0)
		say("  setprotocol PRIO_INHERIT: %s", ename_ok(r));
	if (robust && (r = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST)) != 0)
		say("  setrobust: %s", ename_ok(r));
	if (pshared && (r = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED)) != 0)
		say("  setpshared: %s", ename_ok(r));
	if ((r = pthread_mutex_init(m, &a)) != 0)
		say("  mutex_init: %s", ename_ok(r));
	pthread_mutexattr_destroy(&a);
}

/* pthread_mutex_timedlock with a timeout ms from now. */
static int lock_within(pthread_mutex_t *m, long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_mutex_timedlock(m, &ts);
}

/* Wait (bounded by the part's alarm) until *flag is set. */
static void await(atomic_int *flag)
{
	while (!atomic_load(flag))
		sleep_ms(1);
}

/* --- pi-errorcheck -------------------------------------------------------- */

static pthread_mutex_t m_ec;

struct other_res {
	int unlock, trylock, timedlock;
};

static void *other_thread(void *arg)
{
	struct other_res *r = arg;
	r->unlock = pthread_mutex_unlock(&m_ec);
	r->trylock = pthread_mutex_trylock(&m_ec);
	r->timedlock = lock_within(&m_ec, 100);
	return NULL;
}

static void pi_errorcheck(void)
{
	mutex_init(&m_ec, PTHREAD_MUTEX_ERRORCHECK, 1, 0, 0);
	say("pi-errorcheck: lock: %s", ename_ok(pthread_mutex_lock(&m_ec)));
	say("pi-errorcheck: relock by the owner: %s", ename_ok(lock_within(&m_ec, 1000)));
	say("pi-errorcheck: lock (no timeout) by the owner: %s", ename_ok(pthread_mutex_lock(&m_ec)));
	int tr = pthread_mutex_trylock(&m_ec);
	/* glibc says EDEADLK, musl EBUSY: either way not 0. */
	say("pi-errorcheck: trylock by the owner fails: %s", yn(tr == EDEADLK || tr == EBUSY));
	struct other_res r = { -1, -1, -1 };
	pthread_t t;
	pthread_create(&t, NULL, other_thread, &r);
	pthread_join(t, NULL);
	say("pi-errorcheck: unlock by another thread: %s", ename_ok(r.unlock));
	say("pi-errorcheck: trylock by another thread: %s", ename_ok(r.trylock));
	say("pi-errorcheck: timedlock (100 ms) by another thread: %s", ename_ok(r.timedlock));
	say("pi-errorcheck: unlock by the owner: %s", ename_ok(pthread_mutex_unlock(&m_ec)));
	say("pi-errorcheck: unlock again: %s", ename_ok(pthread_mutex_unlock(&m_ec)));
	say("pi-errorcheck: trylock when free: %s", ename_ok(pthread_mutex_trylock(&m_ec)));
	say("pi-errorcheck: unlock: %s", ename_ok(pthread_mutex_unlock(&m_ec)));
	say("pi-errorcheck: destroy: %s", ename_ok(pthread_mutex_destroy(&m_ec)));
}

/* --- pi-handoff ----------------------------------------------------------- */

struct handoff {
	pthread_mutex_t *m;
	atomic_int started, holding, release;
	pid_t tid;
	int lock, relock, lock2, trylock, unlock, unlock2;
};

static void *handoff_thread(void *arg)
{
	struct handoff *h = arg;
	h->tid = tv_gettid();
	atomic_store(&h->started, 1);
	h->lock = pthread_mutex_lock(h->m); /* blocks until main unlocks */
	h->relock = lock_within(h->m, 1000);
	h->lock2 = pthread_mutex_lock(h->m);
	h->trylock = pthread_mutex_trylock(h->m);
	atomic_store(&h->holding, 1);
	await(&h->release);
	h->unlock = pthread_mutex_unlock(h->m);
	h->unlock2 = pthread_mutex_unlock(h->m);
	return NULL;
}

static void pi_handoff(void)
{
	static pthread_mutex_t m;
	mutex_init(&m, PTHREAD_MUTEX_ERRORCHECK, 1, 0, 0);
	static struct handoff h;
	h.m = &m;
	say("pi-handoff: main locks: %s", ename_ok(pthread_mutex_lock(&m)));
	pthread_t t;
	pthread_create(&t, NULL, handoff_thread, &h);
	await(&h.started);
	wait_sleeping(h.tid); /* most likely in FUTEX_LOCK_PI by now */
	say("pi-handoff: main unlocks with a waiter: %s", ename_ok(pthread_mutex_unlock(&m)));
	await(&h.holding);
	int main_try = pthread_mutex_trylock(&m);
	int main_unlock = pthread_mutex_unlock(&m);
	atomic_store(&h.release, 1);
	pthread_join(t, NULL);
	say("pi-handoff: waiter's lock: %s", ename_ok(h.lock));
	say("pi-handoff: waiter's relock: %s", ename_ok(h.relock));
	say("pi-handoff: waiter's lock (no timeout) again: %s", ename_ok(h.lock2));
	say("pi-handoff: waiter's trylock fails: %s", yn(h.trylock == EDEADLK || h.trylock == EBUSY));
	say("pi-handoff: main's trylock while the waiter holds it: %s", ename_ok(main_try));
	say("pi-handoff: main's unlock while the waiter holds it: %s", ename_ok(main_unlock));
	say("pi-handoff: waiter's unlock: %s", ename_ok(h.unlock));
	say("pi-handoff: waiter's second unlock: %s", ename_ok(h.unlock2));
	say("pi-handoff: main's trylock after: %s", ename_ok(pthread_mutex_trylock(&m)));
	say("pi-handoff: main's unlock: %s", ename_ok(pthread_mutex_unlock(&m)));
}

/* --- pi-normal ------------------------------------------------------------ */

static void pi_normal(void)
{
	static pthread_mutex_t m;
	mutex_init(&m, PTHREAD_MUTEX_NORMAL, 1, 0, 0);
	say("pi-normal: lock: %s", ename_ok(pthread_mutex_lock(&m)));
	say("pi-normal: relock by the owner, 200 ms timeout: %s", ename_ok(lock_within(&m, 200)));
	say("pi-normal: unlock: %s", ename_ok(pthread_mutex_unlock(&m)));
	say("pi-normal: lock again: %s", ename_ok(pthread_mutex_lock(&m)));
	say("pi-normal: unlock: %s", ename_ok(pthread_mutex_unlock(&m)));
}

/* --- robust-* ------------------------------------------------------------- */

static struct handoff rb;

/* Lock (possibly blocking until main releases it) and exit holding it. */
static void *die_holding(void *arg)
{
	struct handoff *h = arg;
	h->tid = tv_gettid();
	atomic_store(&h->started, 1);
	h->lock = pthread_mutex_lock(h->m);
	return NULL;
}

static void robust(const char *name, int pi, int contended, int make_consistent)
{
	static pthread_mutex_t m;
	mutex_init(&m, PTHREAD_MUTEX_NORMAL, pi, 1, 0);
	memset(&rb, 0, sizeof rb);
	rb.m = &m;
	if (contended)
		say("%s: main locks: %s", name, ename_ok(pthread_mutex_lock(&m)));
	pthread_t t;
	pthread_create(&t, NULL, die_holding, &rb);
	if (contended) {
		await(&rb.started);
		wait_sleeping(rb.tid);
		say("%s: main unlocks with a waiter: %s", name, ename_ok(pthread_mutex_unlock(&m)));
	}
	pthread_join(t, NULL);
	say("%s: thread locked it and exited: %s", name, ename_ok(rb.lock));
	say("%s: main's lock: %s", name, ename_ok(lock_within(&m, 1000)));
	if (make_consistent) {
		say("%s: consistent: %s", name, ename_ok(pthread_mutex_consistent(&m)));
		say("%s: unlock: %s", name, ename_ok(pthread_mutex_unlock(&m)));
		say("%s: lock again: %s", name, ename_ok(lock_within(&m, 1000)));
		say("%s: unlock: %s", name, ename_ok(pthread_mutex_unlock(&m)));
	} else {
		say("%s: unlock without consistent: %s", name, ename_ok(pthread_mutex_unlock(&m)));
		say("%s: lock again: %s", name, ename_ok(lock_within(&m, 1000)));
		say("%s: trylock: %s", name, ename_ok(pthread_mutex_trylock(&m)));
	}
}

static void robust_plain(void)
{
	robust("robust", 0, 0, 1);
}
static void robust_plain_contended(void)
{
	robust("robust-contended", 0, 1, 1);
}
static void robust_pi(void)
{
	robust("robust-pi", 1, 0, 1);
}
static void robust_pi_contended(void)
{
	robust("robust-pi-contended", 1, 1, 1);
}
static void robust_pi_unrecoverable(void)
{
	robust("robust-pi-unrecoverable", 1, 0, 0);
}

/* --- pshared -------------------------------------------------------------- */

static void pshared(void)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		say("pshared: mmap: %s", ename_ok(errno));
		return;
	}
	mutex_init(m, PTHREAD_MUTEX_NORMAL, 1, 1, 1);
	int up[2], down[2];
	if (pipe(up) < 0 || pipe(down) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char c = (char)('0' + pthread_mutex_lock(m));
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(3);
		_exit(0); /* holding the mutex */
	}
	char c = 0;
	if (read(up[0], &c, 1) != 1)
		c = '?';
	say("pshared: child locked it: %s", yn(c == '0'));
	say("pshared: parent's trylock while the child holds it: %s", ename_ok(pthread_mutex_trylock(m)));
	if (write(down[1], "x", 1) != 1)
		return;
	/* The child exits now; the lock may block in the kernel first. */
	say("pshared: parent's lock after the child's _exit: %s", ename_ok(lock_within(m, 2000)));
	say("pshared: consistent: %s", ename_ok(pthread_mutex_consistent(m)));
	say("pshared: unlock: %s", ename_ok(pthread_mutex_unlock(m)));
	say("pshared: lock again: %s", ename_ok(lock_within(m, 1000)));
	say("pshared: unlock: %s", ename_ok(pthread_mutex_unlock(m)));
	int st;
	say("pshared: child: %s", xwaitpid(pid, &st, 0) == pid ? wstr(st) : ename_ok(errno));
}

/* --- pi-contention -------------------------------------------------------- */

#define NTHREADS 4
#define NITER 1000
static pthread_mutex_t m_cnt;
static long counter;
static atomic_int lock_errors, unlock_errors;

static void *incrementer(void *a)
{
	(void)a;
	for (int i = 0; i < NITER; i++) {
		int r = pthread_mutex_lock(&m_cnt);
		if (r != 0) {
			atomic_fetch_add(&lock_errors, 1);
			continue;
		}
		counter++;
		if (pthread_mutex_unlock(&m_cnt) != 0)
			atomic_fetch_add(&unlock_errors, 1);
	}
	return NULL;
}

static void pi_contention(void)
{
	mutex_init(&m_cnt, PTHREAD_MUTEX_NORMAL, 1, 0, 0);
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, incrementer, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	say("pi-contention: %d threads x %d: counter %ld", NTHREADS, NITER, counter);
	say("pi-contention: lock errors %d, unlock errors %d", atomic_load(&lock_errors), atomic_load(&unlock_errors));
	say("pi-contention: free at the end: %s", ename_ok(pthread_mutex_trylock(&m_cnt)));
}

int main(void)
{
	run_part("pi-errorcheck", pi_errorcheck);
	run_part("pi-handoff", pi_handoff);
	run_part("pi-normal", pi_normal);
	run_part("robust", robust_plain);
	run_part("robust-contended", robust_plain_contended);
	run_part("robust-pi", robust_pi);
	run_part("robust-pi-contended", robust_pi_contended);
	run_part("robust-pi-unrecoverable", robust_pi_unrecoverable);
	run_part("pshared", pshared);
	run_part("pi-contention", pi_contention);
	return 0;
}
