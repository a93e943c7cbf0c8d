/* sigthreads: signals and threads.
 *   - pthread_kill and raw tgkill reach exactly the thread named, whatever
 *     it is doing (blocked in read, in sigsuspend, spinning);
 *   - process-directed signals go to the one thread that does not block
 *     them, ten times in a row;
 *   - pthread_cancel (SIGCANCEL underneath): of a thread blocked in read,
 *     in pthread_cond_wait (cleanup handler runs, mutex held again), in
 *     nanosleep, at pthread_testcancel, asynchronously while spinning, and
 *     a cancel held back by PTHREAD_CANCEL_DISABLE until re-enabled;
 *   - set*id from a multithreaded program (the libc's setxid broadcast):
 *     as root, seteuid/setegid to 65534 changes every thread's credentials
 *     (raw getresuid/getresgid in each thread, a file each thread creates
 *     is owned by 65534), and back to 0 again. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#define NT 4
static _Thread_local int my_index = -1;
static volatile int hit[NT + 1];
static volatile int hit_wrong;
static pthread_t th[NT];
static pid_t tids[NT];
static atomic_int started, quit;
static int pipes[NT][2];

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	if (my_index >= 0)
		hit[my_index]++;
	else
		hit[NT]++; /* the main thread */
}

/* Thread i waits in: 0 read, 1 sigsuspend, 2 spinning, 3 nanosleep loop. */
static void *worker(void *a)
{
	int i = (int)(intptr_t)a;
	my_index = i;
	tids[i] = tv_gettid();
	sigset_t none;
	sigemptyset(&none);
	atomic_fetch_add(&started, 1);
	while (!atomic_load(&quit)) {
		char c;
		switch (i) {
		case 0:
			if (read(pipes[i][0], &c, 1) == 1 && c == 'q')
				return NULL;
			break;
		case 1:
			sigsuspend(&none);
			break;
		case 2:
			break;
		default:
			sleep_ms(5);
			break;
		}
	}
	return NULL;
}

/* For the process-directed test: (index | 0x100) unblocks SIGUSR1. */
static void *pd_worker(void *a)
{
	int v = (int)(intptr_t)a;
	my_index = v & 0xff;
	if (v & 0x100) {
		sigset_t u1;
		sigemptyset(&u1);
		sigaddset(&u1, SIGUSR1);
		pthread_sigmask(SIG_UNBLOCK, &u1, NULL);
	}
	atomic_fetch_add(&started, 1);
	/* Long sleeps: a thread returning from one may take a process-directed
	 * signal off the shared queue before the thread it was meant for does
	 * (rare natively, less rare in an emulated VM). */
	while (!atomic_load(&quit))
		sleep_ms(50);
	return NULL;
}

static void wait_hits(int i, int n)
{
	for (int k = 0; k < 3000 && hit[i] < n; k++)
		sleep_ms(1);
}

/* --- cancellation ---------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int cleanup_ran, cleanup_had_mutex;
static atomic_int cstage;

static void cleanup(void *a)
{
	(void)a;
	cleanup_ran = 1;
	cleanup_had_mutex = pthread_mutex_trylock(&mu) != 0; /* held by us: EBUSY (default mutex) */
	pthread_mutex_unlock(&mu);
}

static void *c_read(void *a)
{
	(void)a;
	char c;
	int p[2];
	if (pipe(p) < 0)
		return NULL;
	atomic_store(&cstage, 1);
	ssize_t n = read(p[0], &c, 1);
	return (void *)(intptr_t)n;
}

static void *c_cond(void *a)
{
	(void)a;
	pthread_mutex_lock(&mu);
	pthread_cleanup_push(cleanup, NULL);
	atomic_store(&cstage, 1);
	for (;;)
		pthread_cond_wait(&cv, &mu);
	pthread_cleanup_pop(1);
	return NULL;
}

static void *c_sleep(void *a)
{
	(void)a;
	atomic_store(&cstage, 1);
	struct timespec ts = { 30, 0 };
	nanosleep(&ts, NULL);
	return NULL;
}

static void *c_testcancel(void *a)
{
	(void)a;
	atomic_store(&cstage, 1);
	for (;;)
		pthread_testcancel();
	return NULL;
}

static volatile long spin;
static void *c_async(void *a)
{
	(void)a;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	atomic_store(&cstage, 1);
	for (;;)
		spin++;
	return NULL;
}

static volatile int disabled_survived;
static void *c_disabled(void *a)
{
	(void)a;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	atomic_store(&cstage, 1);
	while (atomic_load(&cstage) < 2)
		sleep_ms(1); /* a cancellation point, but disabled */
	disabled_survived = 1;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	pthread_testcancel();
	disabled_survived = 2;
	return NULL;
}

static void cancel_one(const char *name, void *(*fn)(void *), int blocks)
{
	pthread_t t;
	atomic_store(&cstage, 0);
	pthread_create(&t, NULL, fn, NULL);
	while (atomic_load(&cstage) < 1)
		sleep_ms(1);
	if (blocks)
		sleep_ms(50); /* let it enter its blocking call */
	pthread_cancel(t);
	if (fn == c_disabled) {
		sleep_ms(50);
		atomic_store(&cstage, 2);
	}
	void *r = NULL;
	pthread_join(t, &r);
	say("cancel %s: joined, canceled=%s", name, yn(r == PTHREAD_CANCELED));
}

/* --- credentials ---------------------------------------------------------- */

static char credir[256];
static atomic_int cred_stage, cred_done;
static volatile int cred_ok[NT];

static int thread_creds(uid_t eu, gid_t eg, int idx, int round)
{
	uid_t r, e, s;
	gid_t rg, egg, sg;
	syscall(SYS_getresuid, &r, &e, &s);
	syscall(SYS_getresgid, &rg, &egg, &sg);
	char path[300];
	snprintf(path, sizeof path, "%s/t%d-%d", credir, idx, round);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	struct stat st;
	int own = fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == eu && st.st_gid == eg;
	if (fd >= 0)
		close(fd);
	return r == 0 && e == eu && s == 0 && rg == 0 && egg == eg && sg == 0 && own;
}

static void *cred_worker(void *a)
{
	int i = (int)(intptr_t)a;
	atomic_fetch_add(&started, 1);
	while (atomic_load(&cred_stage) < 1)
		sleep_ms(1);
	cred_ok[i] = thread_creds(65534, 65534, i, 1);
	atomic_fetch_add(&cred_done, 1);
	while (atomic_load(&cred_stage) < 2)
		sleep_ms(1);
	cred_ok[i] += thread_creds(0, 0, i, 2);
	atomic_fetch_add(&cred_done, 1);
	return NULL;
}

static void cred_test(void)
{
	if (getuid() != 0) {
		say("setxid: not root, skipped");
		return;
	}
	snprintf(credir, sizeof credir, "%s", make_tmpdir());
	chmod(credir, 0777);
	pthread_t t[NT];
	atomic_store(&started, 0);
	for (int i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, cred_worker, (void *)(intptr_t)i);
	while (atomic_load(&started) < NT)
		sleep_ms(1);
	int r1 = setegid(65534), r2 = seteuid(65534);
	atomic_store(&cred_stage, 1);
	while (atomic_load(&cred_done) < NT)
		sleep_ms(1);
	int main1 = thread_creds(65534, 65534, NT, 1);
	int r3 = seteuid(0), r4 = setegid(0);
	atomic_store(&cred_stage, 2);
	while (atomic_load(&cred_done) < 2 * NT)
		sleep_ms(1);
	int main2 = thread_creds(0, 0, NT, 2);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	int all = 1;
	for (int i = 0; i < NT; i++)
		all &= cred_ok[i] == 2;
	say("setxid: calls ok=%s main thread=%s,%s every other thread=%s", yn(!r1 && !r2 && !r3 && !r4), yn(main1),
	    yn(main2), yn(all));
	rm_dir(credir);
}

int main(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);

	for (int i = 0; i < NT; i++) {
		if (pipe(pipes[i]) < 0)
			return 2;
		pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
	}
	while (atomic_load(&started) < NT)
		sleep_ms(1);
	sleep_ms(50);

	/* Thread-directed. */
	for (int i = 0; i < NT; i++) {
		pthread_kill(th[i], SIGUSR1);
		wait_hits(i, 1);
	}
	for (int i = 0; i < NT; i++) {
		syscall(SYS_tgkill, getpid(), tids[i], SIGUSR1);
		wait_hits(i, 2);
	}
	sleep_ms(20);
	say("thread-directed: hits per thread %d %d %d %d, main %d", hit[0], hit[1], hit[2], hit[3], hit[NT]);

	atomic_store(&quit, 1);
	if (write(pipes[0][1], "q", 1) != 1)
		return 2;
	for (int i = 0; i < NT; i++)
		pthread_kill(th[i], SIGUSR1); /* wakes sigsuspend */
	for (int i = 0; i < NT; i++)
		pthread_join(th[i], NULL);

	/* Process-directed: only one thread does not block it. */
	sigset_t u1, old;
	sigemptyset(&u1);
	sigaddset(&u1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &u1, &old); /* inherited by the new threads */
	for (int taker = 1; taker < NT; taker += 2) {
		memset((void *)hit, 0, sizeof hit);
		atomic_store(&quit, 0);
		atomic_store(&started, 0);
		for (int i = 0; i < NT; i++)
			pthread_create(&th[i], NULL, pd_worker, (void *)(intptr_t)(i | (i == taker ? 0x100 : 0)));
		while (atomic_load(&started) < NT)
			sleep_ms(1);
		for (int n = 1; n <= 10; n++) {
			kill(getpid(), SIGUSR1);
			wait_hits(taker, n);
		}
		sleep_ms(20);
		atomic_store(&quit, 1);
		for (int i = 0; i < NT; i++)
			pthread_join(th[i], NULL);
		say("process-directed, thread %d unblocks: hits %d %d %d %d, main %d", taker, hit[0], hit[1], hit[2], hit[3],
		    hit[NT]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* Nobody blocks it: a signal the main thread sends to its own process
	 * is taken by the main thread (the kernel tries the thread group
	 * leader first), which programs such as CPython rely on. */
	memset((void *)hit, 0, sizeof hit);
	atomic_store(&quit, 0);
	atomic_store(&started, 0);
	for (int i = 0; i < NT; i++)
		pthread_create(&th[i], NULL, pd_worker, (void *)(intptr_t)(i | 0x100));
	while (atomic_load(&started) < NT)
		sleep_ms(1);
	for (int n = 1; n <= 10; n++) {
		kill(getpid(), SIGUSR1);
		for (int k = 0; k < 3000 && hit[0] + hit[1] + hit[2] + hit[3] + hit[NT] < n; k++)
			sleep_ms(1);
	}
	atomic_store(&quit, 1);
	for (int i = 0; i < NT; i++)
		pthread_join(th[i], NULL);
	say("process-directed from main, nobody blocks: hits %d %d %d %d, main %d", hit[0], hit[1], hit[2], hit[3], hit[NT]);

	cancel_one("read", c_read, 1);
	cancel_one("cond_wait", c_cond, 1);
	say("cancel cond_wait: cleanup ran=%s with the mutex held=%s", yn(cleanup_ran), yn(cleanup_had_mutex));
	cancel_one("nanosleep", c_sleep, 1);
	cancel_one("testcancel", c_testcancel, 0);
	cancel_one("async", c_async, 0);
	cancel_one("disabled", c_disabled, 0);
	say("cancel disabled: survived while disabled=%s, ended at testcancel=%s", yn(disabled_survived >= 1),
	    yn(disabled_survived == 1));

	cred_test();
	return 0;
}
