/* threads: mutexes, condition variables, join, thread-local storage,
 * pthread keys with destructors, pthread_once, barriers, detached threads.
 * All output is printed by main after the threads are joined, in a fixed
 * order. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NTHREADS 8
#define NITER 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static _Thread_local long tls_value = 1234;    /* initialised TLS (.tdata) */
static _Thread_local char tls_buf[64];         /* zeroed TLS (.tbss) */

static pthread_key_t key;
static atomic_int destructor_calls;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_calls;
static pthread_barrier_t barrier;
static atomic_int barrier_serial;

static void destructor(void *p)
{
	(void)p;
	atomic_fetch_add(&destructor_calls, 1);
}

static void once_fn(void)
{
	atomic_fetch_add(&once_calls, 1);
}

struct result {
	long tls_initial;
	int tbss_zero;
	long tls_final;
	long key_value;
};

static void *worker(void *arg)
{
	long id = (long)(intptr_t)arg;
	struct result *r = malloc(sizeof *r);

	r->tls_initial = tls_value;
	r->tbss_zero = 1;
	for (size_t i = 0; i < sizeof tls_buf; i++)
		if (tls_buf[i])
			r->tbss_zero = 0;
	tls_value = id * 10;
	memset(tls_buf, (int)id + 1, sizeof tls_buf);
	pthread_setspecific(key, (void *)(intptr_t)(id + 100));
	pthread_once(&once, once_fn);

	for (int i = 0; i < NITER; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
		atomic_fetch_add(&barrier_serial, 1);
	/* another thread's writes must not have touched our TLS */
	r->tls_final = tls_value + (tls_buf[0] == id + 1 ? 0 : 1000000);
	r->key_value = (long)(intptr_t)pthread_getspecific(key);
	return r;
}

/* A bounded queue with two condition variables. */
#define QCAP 4
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], qhead, qlen;

static void put(int v)
{
	pthread_mutex_lock(&qlock);
	while (qlen == QCAP)
		pthread_cond_wait(&notfull, &qlock);
	queue[(qhead + qlen++) % QCAP] = v;
	pthread_cond_signal(&notempty);
	pthread_mutex_unlock(&qlock);
}

static int get(void)
{
	pthread_mutex_lock(&qlock);
	while (qlen == 0)
		pthread_cond_wait(&notempty, &qlock);
	int v = queue[qhead];
	qhead = (qhead + 1) % QCAP;
	qlen--;
	pthread_cond_signal(&notfull);
	pthread_mutex_unlock(&qlock);
	return v;
}

static void *producer(void *arg)
{
	int base = (int)(intptr_t)arg;
	for (int i = 1; i <= 1000; i++)
		put(base + i);
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0;
	(void)arg;
	for (int i = 0; i < 1000; i++)
		sum += get();
	return (void *)(intptr_t)sum;
}

/* Detached threads report completion through a condition variable. */
static pthread_mutex_t dlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dcond = PTHREAD_COND_INITIALIZER;
static int detached_done;

static void *detached(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&dlock);
	detached_done++;
	pthread_cond_broadcast(&dcond);
	pthread_mutex_unlock(&dlock);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];

	tls_value = 42;
	pthread_key_create(&key, destructor);
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i)) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < NTHREADS; i++) {
		void *rv;
		pthread_join(t[i], &rv);
		struct result *r = rv;
		printf("thread %d: tls initial=%ld tbss zero=%d final=%ld key=%ld\n", i,
		       r->tls_initial, r->tbss_zero, r->tls_final, r->key_value);
		free(r);
	}
	printf("counter=%ld (expected %ld)\n", counter, (long)NTHREADS * NITER);
	printf("main tls=%ld\n", tls_value);
	printf("destructor calls=%d\n", atomic_load(&destructor_calls));
	printf("once calls=%d\n", atomic_load(&once_calls));
	printf("barrier serial threads=%d\n", atomic_load(&barrier_serial));
	pthread_barrier_destroy(&barrier);

	pthread_t p1, p2, c1, c2;
	void *s1, *s2;
	pthread_create(&c1, NULL, consumer, NULL);
	pthread_create(&c2, NULL, consumer, NULL);
	pthread_create(&p1, NULL, producer, (void *)0);
	pthread_create(&p2, NULL, producer, (void *)10000);
	pthread_join(p1, NULL);
	pthread_join(p2, NULL);
	pthread_join(c1, &s1);
	pthread_join(c2, &s2);
	printf("queue total=%ld (expected %ld)\n", (long)(intptr_t)s1 + (long)(intptr_t)s2,
	       2L * 500500 + 1000L * 10000);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 4; i++) {
		pthread_t d;
		pthread_create(&d, &attr, detached, NULL);
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_lock(&dlock);
	while (detached_done < 4)
		pthread_cond_wait(&dcond, &dlock);
	pthread_mutex_unlock(&dlock);
	printf("detached done=%d\n", detached_done);

	/* A thread with a small explicit stack and a guard page. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_t small;
	void *rv;
	pthread_barrier_init(&barrier, NULL, 1); /* worker waits on it */
	long before = counter;
	pthread_create(&small, &attr, worker, (void *)(intptr_t)99);
	pthread_attr_destroy(&attr);
	pthread_join(small, &rv);
	pthread_barrier_destroy(&barrier);
	struct result *r = rv;
	printf("small stack: tls initial=%ld final=%ld added=%ld destructor calls=%d\n",
	       r->tls_initial, r->tls_final, counter - before, atomic_load(&destructor_calls));
	free(r);
	printf("threads: %s\n", before == (long)NTHREADS * NITER ? "ok" : "FAILED");
	return 0;
}
