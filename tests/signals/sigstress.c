/* sigstress: 100,000 signals thrown at a thread that does blocking reads,
 * half from another thread (pthread_kill, handler with SA_RESTART: read
 * never fails), half from a child process (kill, handler without
 * SA_RESTART: read fails with EINTR and is retried).  The senders write a
 * byte after every 50 signals; the reader must get all 1000 bytes of each
 * run, in order, without hanging.  Signals of one kind coalesce while one
 * is pending, so only bounds of the handler count are printed. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <stdatomic.h>

#define SIGNALS 50000
#define EVERY 50
#define BYTES (SIGNALS / EVERY)

static atomic_long handled;
static void handler(int sig)
{
	(void)sig;
	atomic_fetch_add(&handled, 1);
}

static int pipefd[2];
static pthread_t reader;
static atomic_int reader_ready;

static void *thread_sender(void *a)
{
	(void)a;
	while (!atomic_load(&reader_ready))
		sleep_ms(1);
	for (int i = 1; i <= SIGNALS; i++) {
		pthread_kill(reader, SIGUSR1);
		if (i % EVERY == 0) {
			unsigned char b = (unsigned char)(i / EVERY);
			if (write(pipefd[1], &b, 1) != 1)
				break;
		}
	}
	return NULL;
}

/* Read BYTES bytes one at a time; count EINTRs; check the order. */
static void read_all(long *eintr, int *in_order, int *got)
{
	*eintr = 0;
	*in_order = 1;
	*got = 0;
	atomic_store(&reader_ready, 1);
	while (*got < BYTES) {
		unsigned char b;
		ssize_t n = read(pipefd[0], &b, 1);
		if (n < 0 && errno == EINTR) {
			(*eintr)++;
			continue;
		}
		if (n != 1)
			break;
		(*got)++;
		*in_order &= b == (unsigned char)*got;
	}
}

int main(void)
{
	if (pipe(pipefd) < 0)
		return 2;
	reader = pthread_self();
	struct sigaction sa = { 0 };
	sa.sa_handler = handler;

	/* From a thread, with SA_RESTART. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t t;
	pthread_create(&t, NULL, thread_sender, NULL);
	long eintr;
	int in_order, got;
	read_all(&eintr, &in_order, &got);
	pthread_join(t, NULL);
	sleep_ms(20);
	long h = atomic_load(&handled);
	say("thread sender: sent=%d bytes=%d in-order=%s eintr=%ld handled>0=%s handled<=sent=%s", SIGNALS, got,
	    yn(in_order), eintr, yn(h > 0), yn(h <= SIGNALS));

	/* From a child process, without SA_RESTART. */
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	atomic_store(&handled, 0);
	atomic_store(&reader_ready, 0);
	int go[2];
	if (pipe(go) < 0)
		return 2;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		for (int i = 1; i <= SIGNALS; i++) {
			kill(parent, SIGUSR2);
			if (i % EVERY == 0) {
				unsigned char b = (unsigned char)(i / EVERY);
				if (write(pipefd[1], &b, 1) != 1)
					_exit(1);
			}
		}
		_exit(0);
	}
	if (write(go[1], "g", 1) != 1)
		return 2;
	read_all(&eintr, &in_order, &got);
	int st;
	xwaitpid(pid, &st, 0);
	sleep_ms(20);
	h = atomic_load(&handled);
	say("process sender: %s sent=%d bytes=%d in-order=%s eintr<=handled=%s handled>0=%s handled<=sent=%s", wstr(st),
	    SIGNALS, got, yn(in_order), yn(eintr <= h), yn(h > 0), yn(h <= SIGNALS));
	return 0;
}
