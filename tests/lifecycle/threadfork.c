/* threadfork: fork from a multithreaded program, from the main thread and
 * from another thread, while other threads are blocked in read, in a
 * condition wait, in nanosleep, or spinning.  In the child only the forking
 * thread runs (tid == pid; the spinner's counter stands still), the pthread_atfork handlers ran, and it can
 * use malloc and stdio, create and join threads, and fork again.  The
 * parent's threads carry on untouched and are joined at the end. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <stdatomic.h>

static int pipefd[2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;
static atomic_int ready, stop_spin, prepared, in_parent, in_child;
static atomic_long spins;

static void *reader(void *a)
{
	(void)a;
	char c;
	atomic_fetch_add(&ready, 1);
	ssize_t n = read(pipefd[0], &c, 1);
	return (void *)(intptr_t)(n == 1 && c == 'q');
}

static void *waiter(void *a)
{
	(void)a;
	pthread_mutex_lock(&mu);
	atomic_fetch_add(&ready, 1);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return (void *)1;
}

static void *sleeper(void *a)
{
	(void)a;
	atomic_fetch_add(&ready, 1);
	struct timespec ts = { 0, 300 * 1000000L };
	return (void *)(intptr_t)(nanosleep(&ts, NULL) == 0);
}

static void *spinner(void *a)
{
	(void)a;
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&stop_spin))
		atomic_fetch_add(&spins, 1);
	return (void *)1;
}

static void *add1(void *a)
{
	return (void *)((intptr_t)a + 1);
}

static void prepare(void)
{
	atomic_fetch_add(&prepared, 1);
}
static void parent(void)
{
	atomic_fetch_add(&in_parent, 1);
}
static void child(void)
{
	atomic_fetch_add(&in_child, 1);
}

/* The child's checks; its exit status tells the parent how they went. */
static int child_checks(void)
{
	int ok = 0;
	/* The parent's spinning thread does not run in the child. */
	long s0 = atomic_load(&spins);
	sleep_ms(20);
	ok |= (atomic_load(&spins) == s0) << 0;
	ok |= (tv_gettid() == getpid()) << 1;
	ok |= (atomic_load(&in_child) == 1 && atomic_load(&prepared) >= 1) << 2;
	char *p = malloc(100000);
	ok |= (p != NULL) << 3;
	free(p);
	pthread_t t;
	void *r = NULL;
	ok |= (pthread_create(&t, NULL, add1, (void *)41) == 0 && pthread_join(t, &r) == 0 && r == (void *)42) << 4;
	pid_t g = fork();
	if (g == 0)
		_exit(33);
	int st;
	ok |= (xwaitpid(g, &st, 0) == g && WIFEXITED(st) && WEXITSTATUS(st) == 33) << 5;
	/* The mutex the parent's waiter left unlocked in its cond wait is usable. */
	ok |= (pthread_mutex_trylock(&mu) == 0) << 6;
	return ok;
}

static void fork_and_report(const char *who)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_checks());
	int st;
	xwaitpid(pid, &st, 0);
	int v = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	say("%s: child others-stopped=%s tid-is-pid=%s atfork=%s malloc=%s thread=%s fork=%s mutex=%s", who,
	    yn(v >= 0 && (v & 1)), yn(v >= 0 && (v & 2)), yn(v >= 0 && (v & 4)), yn(v >= 0 && (v & 8)),
	    yn(v >= 0 && (v & 16)), yn(v >= 0 && (v & 32)), yn(v >= 0 && (v & 64)));
	say("%s: parent atfork-parent=%s", who, yn(atomic_load(&in_parent) >= 1 && atomic_load(&in_child) == 0));
}

static void *forking_thread(void *a)
{
	(void)a;
	fork_and_report("from-thread");
	return NULL;
}

int main(void)
{
	if (pipe(pipefd) < 0)
		return 2;
	pthread_atfork(prepare, parent, child);
	pthread_t t[4];
	pthread_create(&t[0], NULL, reader, NULL);
	pthread_create(&t[1], NULL, waiter, NULL);
	pthread_create(&t[2], NULL, sleeper, NULL);
	pthread_create(&t[3], NULL, spinner, NULL);
	while (atomic_load(&ready) < 4)
		sleep_ms(1);
	sleep_ms(20);

	fork_and_report("from-main");
	pthread_t ft;
	pthread_create(&ft, NULL, forking_thread, NULL);
	pthread_join(ft, NULL);

	/* The parent's threads were not disturbed. */
	if (write(pipefd[1], "q", 1) != 1)
		return 2;
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	atomic_store(&stop_spin, 1);
	int good = 0;
	for (int i = 0; i < 4; i++) {
		void *r = NULL;
		pthread_join(t[i], &r);
		good += r == (void *)1;
	}
	say("parent: threads finished normally: %d of 4", good);
	return 0;
}
