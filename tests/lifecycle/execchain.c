/* execchain: a chain of 10 execs of this program, each checking what
 * crossed exec as execve(2) defines it:
 *   - argv[0] is what the caller passed (not the path), the environment too;
 *   - AT_EXECFN is the path string the caller gave execve ("/dev/fd/N" for
 *     execveat/fexecve on a descriptor);
 *   - readlink("/proc/self/exe") names the program (realpath of the file,
 *     through a symlink too);
 *   - the signal mask and SIG_IGN dispositions are kept, handlers are reset
 *     to SIG_DFL, flags and masks cleared; a blocked pending signal stays
 *     pending; the alternate signal stack is gone;
 *   - descriptors without FD_CLOEXEC stay open, those with it are closed.
 * The links use execve with an absolute path, with a relative path,
 * execveat with a directory descriptor, fexecve, and a symlink.
 *
 * usage: execchain            (start; argv[0] must be a path to this file)
 *        execchain chain DEPTH REALPATH EXECFN TMPDIR   (a link) */
#include "../lifecycle/util.c"
#include <libgen.h>
#include <limits.h>
#include <sys/auxv.h>
#include <sys/stat.h>

extern char **environ;
static void on_sig(int sig)
{
	(void)sig;
}

#define FLAGS_SHOWN (SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_SIGINFO)
#define KEPT_FD 7

/* Make this process's state the one every link must pass on. */
static void set_state(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESTART | SA_ONSTACK | SA_SIGINFO;
	sigaddset(&sa.sa_mask, SIGQUIT);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGRTMIN + 3, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_RESTART | SA_NODEFER;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGRTMIN + 4, &sa, NULL);
	static char alt[1 << 16];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	/* A fresh close-on-exec descriptor at every link. */
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fd != 8) {
		dup3(fd, 8, O_CLOEXEC);
		close(fd);
	}
}

static int check_state(int depth, const char *argv0, const char *realprog, const char *execfn)
{
	char want0[32], exe[PATH_MAX + 1];
	snprintf(want0, sizeof want0, "link-%d", depth);
	ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX);
	exe[n > 0 ? n : 0] = 0;
	const char *efn = (const char *)getauxval(AT_EXECFN);

	sigset_t m, p;
	sigprocmask(SIG_BLOCK, NULL, &m);
	sigpending(&p);
	int mask_ok = sigismember(&m, SIGUSR2) && sigismember(&m, SIGRTMIN + 2) && !sigismember(&m, SIGUSR1) &&
		      !sigismember(&m, SIGQUIT);
	int pend_ok = sigismember(&p, SIGUSR2) && !sigismember(&p, SIGRTMIN + 2);

	struct sigaction a;
	int ign_ok = 1, dfl_ok = 1;
	int ign[] = { SIGHUP, SIGPIPE, SIGRTMIN + 4 }, dfl[] = { SIGUSR1, SIGTERM, SIGRTMIN + 3 };
	for (int i = 0; i < 3; i++) {
		sigaction(ign[i], NULL, &a);
		ign_ok &= a.sa_handler == SIG_IGN;
		sigaction(dfl[i], NULL, &a);
		dfl_ok &= a.sa_handler == SIG_DFL && (a.sa_flags & FLAGS_SHOWN) == 0 && !sigismember(&a.sa_mask, SIGQUIT);
	}
	/* Flags of an ignored signal are cleared too. */
	sigaction(SIGHUP, NULL, &a);
	int ignflags_ok = (a.sa_flags & FLAGS_SHOWN) == 0;

	stack_t ss;
	sigaltstack(NULL, &ss);
	int alt_off = (ss.ss_flags & SS_DISABLE) != 0;
	int kept = fcntl(KEPT_FD, F_GETFD) == 0;
	int closed = fcntl(8, F_GETFD) == -1 && errno == EBADF;
	const char *env = getenv("CHAIN_DEPTH");
	char wantenv[16];
	snprintf(wantenv, sizeof wantenv, "%d", depth);

	say("link %d: argv0=%s execfn=%s exe=%s env=%s mask=%s pending=%s ign=%s ign-flags-cleared=%s dfl=%s "
	    "altstack-off=%s fd-kept=%s cloexec-closed=%s",
	    depth, yn(strcmp(argv0, want0) == 0), yn(efn && strcmp(efn, execfn) == 0), yn(strcmp(exe, realprog) == 0),
	    yn(env && strcmp(env, wantenv) == 0), yn(mask_ok), yn(pend_ok), yn(ign_ok), yn(ignflags_ok), yn(dfl_ok),
	    yn(alt_off), yn(kept), yn(closed));
	if (!(efn && strcmp(efn, execfn) == 0))
		fprintf(stderr, "link %d: AT_EXECFN differs\n", depth);
	return 0;
}

/* Exec the next link (depth-1) in one of five ways. */
static void next(int depth, const char *realprog, const char *tmpdir)
{
	char d[16], argv0[32], execfn[PATH_MAX + 32], dirbuf[PATH_MAX], basebuf[PATH_MAX], env[32];
	snprintf(d, sizeof d, "%d", depth);
	snprintf(argv0, sizeof argv0, "link-%d", depth);
	snprintf(env, sizeof env, "CHAIN_DEPTH=%d", depth);
	snprintf(dirbuf, sizeof dirbuf, "%s", realprog);
	snprintf(basebuf, sizeof basebuf, "%s", realprog);
	char *dir = dirname(dirbuf), *base = basename(basebuf);
	char *argv[] = { argv0, "chain", d, (char *)realprog, execfn, (char *)tmpdir, NULL };
	char *envp[] = { env, "TVISOR_TEST_VAR=chain", NULL };

	set_state();
	switch (depth % 5) {
	case 0:
		snprintf(execfn, sizeof execfn, "%s", realprog);
		execve(realprog, argv, envp);
		break;
	case 1: {
		char rel[PATH_MAX + 3];
		if (chdir(dir) != 0)
			break;
		snprintf(rel, sizeof rel, "./%s", base);
		snprintf(execfn, sizeof execfn, "%s", rel);
		execve(rel, argv, envp);
		break;
	}
	case 2: {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* The kernel names it "/dev/fd/N/NAME". */
		snprintf(execfn, sizeof execfn, "/dev/fd/%d/%s", dfd, base);
		syscall(SYS_execveat, dfd, base, argv, envp, 0);
		break;
	}
	case 3: {
		int fd = open(realprog, O_RDONLY | O_CLOEXEC);
		snprintf(execfn, sizeof execfn, "/dev/fd/%d", fd);
		fexecve(fd, argv, envp);
		break;
	}
	case 4: {
		char link[PATH_MAX];
		snprintf(link, sizeof link, "%s/link-to-prog", tmpdir);
		unlink(link);
		if (symlink(realprog, link) != 0)
			break;
		snprintf(execfn, sizeof execfn, "%s", link);
		execve(link, argv, envp);
		break;
	}
	}
	say("link %d: exec failed: %s", depth, ename(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	char realprog[PATH_MAX];
	if (argc == 1) {
		if (!realpath(argv[0], realprog)) {
			say("cannot resolve argv[0]");
			return 2;
		}
		char *tmpdir = make_tmpdir();
		/* State set once at the start and carried along the chain. */
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGUSR2);
		sigaddset(&m, SIGRTMIN + 2);
		sigprocmask(SIG_BLOCK, &m, NULL);
		raise(SIGUSR2);
		int fd = open("/dev/null", O_RDONLY);
		dup2(fd, KEPT_FD);
		close(fd);
		fflush(stdout);
		next(10, realprog, tmpdir);
	}
	if (argc != 6 || strcmp(argv[1], "chain") != 0) {
		say("usage: execchain");
		return 2;
	}
	int depth = atoi(argv[2]);
	check_state(depth, argv[0], argv[3], argv[4]);
	if (depth > 1)
		next(depth - 1, argv[3], argv[5]);
	char link[PATH_MAX];
	snprintf(link, sizeof link, "%s/link-to-prog", argv[5]);
	unlink(link);
	rmdir(argv[5]);
	say("chain done");
	return 0;
}
