/* nsunshare: namespaces and the other unshare(2) flags, and setns(2).
 * Namespaces, the file table and the file system context belong to the
 * thread in the kernel: after unshare, the calling thread's next calls must
 * see the new ones (and threads made before must not).
 *
 * Run it inside an outer util-linux unshare (mount, UTS, net and IPC
 * namespaces of its own, as the cases do) so that nothing here reaches the
 * host.  It checks that first -- each of those namespaces must differ from
 * its parent process's, and the UTS and IPC ones must not be the initial
 * ones -- and does nothing else if they do not.
 *
 *   newuser  unshare(CLONE_NEWUSER) from a single-threaded process: the
 *            overflow uid/gid until uid_map/gid_map are written; no
 *            capability over the outer UTS namespace; a UTS namespace of
 *            its own
 *   uts      unshare(CLONE_NEWUTS), sethostname, uname, gethostname, seen
 *            by a thread and a forked child made after
 *   setns    back to the UTS namespace opened before unshare
 *   mount    unshare(CLONE_NEWNS), a tmpfs on a fresh directory under /tmp,
 *            a file there, seen by a forked child and a thread, not by the
 *            parent; umount
 *   net      unshare(CLONE_NEWNET): only lo, down (a datagram to
 *            127.0.0.1 gives ENETUNREACH, also in a thread made after;
 *            whether bind 127.0.0.1 works then is the kernel's business,
 *            printed as it comes), up with SIOCSIFFLAGS, then a datagram
 *            over it; the outer lo is brought up first so that the two
 *            cannot be confused
 *   ipc      unshare(CLONE_NEWIPC) hides a System V segment of the outer
 *            namespace; setns back shows it again
 *   files    unshare(CLONE_FILES) with a thread made before: pipe and close
 *            act on the caller's table only
 *   fs       unshare(CLONE_FS) with a thread made before: umask and chdir
 *            act on the caller only
 * Each part runs in its own forked child under alarm(); the main process
 * never makes a thread.  No names, ids or paths that vary are printed. */
#include "../lifecycle/util.c"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <grp.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

/* The result of a call that returns -1 and sets errno. */
static const char *rc(long r)
{
	return r < 0 ? ename_ok(errno) : "OK";
}

static int nslink(pid_t pid, const char *ns, char *buf, size_t cap)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
	else
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns);
	ssize_t n = readlink(path, buf, cap - 1);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* This process's namespace ns differs from its parent's. */
static int private_ns(const char *ns)
{
	char mine[64], theirs[64];
	return nslink(0, ns, mine, sizeof mine) == 0 && nslink(getppid(), ns, theirs, sizeof theirs) == 0 &&
	       strcmp(mine, theirs) != 0;
}

static int outer_is_private(void)
{
	char uts[64], ipc[64];
	/* proc_ns_operations' fixed inode numbers of the initial UTS and IPC
	 * namespaces (PROC_UTS_INIT_INO, PROC_IPC_INIT_INO). */
	if (nslink(0, "uts", uts, sizeof uts) || nslink(0, "ipc", ipc, sizeof ipc) ||
	    strcmp(uts, "uts:[4026531838]") == 0 || strcmp(ipc, "ipc:[4026531839]") == 0)
		return 0;
	return private_ns("uts") && private_ns("mnt") && private_ns("net") && private_ns("ipc");
}

static const char *hostname(void)
{
	static char buf[128];
	if (gethostname(buf, sizeof buf) < 0)
		snprintf(buf, sizeof buf, "(gethostname: %s)", ename_ok(errno));
	return buf;
}

/* Start a thread and wait until it runs fn, which gets arg. */
struct job {
	void (*fn)(struct job *);
	int ctl[2];
	atomic_int done;
	int res[8];
	char text[256];
};

static void *job_thread(void *arg)
{
	struct job *j = arg;
	char c;
	/* Wait for the go-ahead when there is a control pipe. */
	if (j->ctl[0] >= 0 && read(j->ctl[0], &c, 1) != 1)
		return NULL;
	j->fn(j);
	atomic_store(&j->done, 1);
	return NULL;
}

static void job_start(pthread_t *t, struct job *j, void (*fn)(struct job *), int wait_for_go)
{
	memset(j, 0, sizeof *j);
	j->fn = fn;
	j->ctl[0] = j->ctl[1] = -1;
	if (wait_for_go && pipe(j->ctl) < 0) {
		say("pipe: %s", ename_ok(errno));
		_exit(1);
	}
	int r = pthread_create(t, NULL, job_thread, j);
	if (r) {
		say("pthread_create: %s", ename_ok(r));
		_exit(1);
	}
}

static void job_go(struct job *j)
{
	if (write(j->ctl[1], "g", 1) != 1)
		say("job: write: %s", ename_ok(errno));
}

static void job_end(pthread_t t, struct job *j)
{
	pthread_join(t, NULL);
	if (j->ctl[0] >= 0) {
		close(j->ctl[0]);
		close(j->ctl[1]);
	}
}

/* --- newuser --------------------------------------------------------------- */

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)len ? 0 : -1;
}

static void newuser(void)
{
	char before[128];
	snprintf(before, sizeof before, "%s", hostname());
	say("newuser: unshare(CLONE_NEWUSER): %s", rc(unshare(CLONE_NEWUSER)));
	say("newuser: uid %d gid %d euid %d egid %d (unmapped)", (int)getuid(), (int)getgid(), (int)geteuid(),
	    (int)getegid());
	/* The outer UTS namespace belongs to the outer user namespace, where
	 * this process has no capability any more.  The same name: nothing
	 * changes even if it were allowed. */
	say("newuser: sethostname in the outer UTS namespace: %s", rc(sethostname(before, strlen(before))));
	say("newuser: write uid_map: %s", rc(write_proc("/proc/self/uid_map", "0 0 1\n")));
	say("newuser: write setgroups deny: %s", rc(write_proc("/proc/self/setgroups", "deny\n")));
	say("newuser: write gid_map: %s", rc(write_proc("/proc/self/gid_map", "0 0 1\n")));
	say("newuser: uid %d gid %d euid %d egid %d (mapped)", (int)getuid(), (int)getgid(), (int)geteuid(),
	    (int)getegid());
	say("newuser: setgroups now: %s", rc(setgroups(0, NULL)));
	say("newuser: unshare(CLONE_NEWUTS) inside: %s", rc(unshare(CLONE_NEWUTS)));
	say("newuser: sethostname there: %s", rc(sethostname("tvisor-userns", 13)));
	say("newuser: hostname: %s", hostname());
}

/* --- uts ------------------------------------------------------------------- */

static void uts_thread(struct job *j)
{
	snprintf(j->text, sizeof j->text, "%s", hostname());
}

static void uts(void)
{
	say("uts: unshare(CLONE_NEWUTS): %s", rc(unshare(CLONE_NEWUTS)));
	say("uts: sethostname: %s", rc(sethostname("tvisor-inner", 12)));
	struct utsname u;
	if (uname(&u) < 0)
		say("uts: uname: %s", ename_ok(errno));
	else
		say("uts: uname nodename: %s", u.nodename);
	say("uts: gethostname: %s", hostname());
	pthread_t t;
	struct job j;
	job_start(&t, &j, uts_thread, 0);
	job_end(t, &j);
	say("uts: a thread made after: %s", j.text);
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		const char *h = hostname();
		ssize_t n = write(p[1], h, strlen(h) + 1);
		_exit(n > 0 ? 0 : 1);
	}
	close(p[1]);
	char buf[128] = "";
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	int st;
	xwaitpid(pid, &st, 0);
	say("uts: a forked child: %s (%s)", buf, wstr(st));
	close(p[0]);
}

/* --- setns ----------------------------------------------------------------- */

static void setns_part(void)
{
	char start[128], link0[64], link1[64], link2[64];
	snprintf(start, sizeof start, "%s", hostname());
	nslink(0, "uts", link0, sizeof link0);
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	say("setns: open /proc/self/ns/uts: %s", rc(fd));
	say("setns: unshare(CLONE_NEWUTS): %s", rc(unshare(CLONE_NEWUTS)));
	nslink(0, "uts", link1, sizeof link1);
	say("setns: namespace changed: %s", yn(strcmp(link0, link1) != 0));
	say("setns: sethostname: %s", rc(sethostname("tvisor-setns", 12)));
	say("setns: hostname is the new one: %s", yn(strcmp(hostname(), "tvisor-setns") == 0));
	say("setns: setns(fd, CLONE_NEWUTS): %s", rc(setns(fd, CLONE_NEWUTS)));
	nslink(0, "uts", link2, sizeof link2);
	say("setns: back in the first namespace: %s", yn(strcmp(link0, link2) == 0));
	say("setns: hostname is the one read at start: %s", yn(strcmp(hostname(), start) == 0));
	say("setns: setns(fd, CLONE_NEWNET) (wrong type): %s", rc(setns(fd, CLONE_NEWNET)));
	close(fd);
}

/* --- mount ----------------------------------------------------------------- */

/* /proc/PID/mountinfo (0: self) has a mount at dir, of type fstype. */
static int has_mount(pid_t pid, const char *dir, const char *fstype)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/mountinfo");
	FILE *f = fopen(path, "re");
	char line[1024];
	int found = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		/* id parent maj:min root mountpoint opts [optional...] - type ... */
		char mp[512], *dash;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mp) != 1 || strcmp(mp, dir) != 0)
			continue;
		dash = strstr(line, " - ");
		if (dash && strncmp(dash + 3, fstype, strlen(fstype)) == 0 && dash[3 + strlen(fstype)] == ' ')
			found = 1;
	}
	fclose(f);
	return found;
}

#define TV_TMPFS_MAGIC 0x01021994 /* linux/magic.h, which musl-gcc lacks */

static int is_tmpfs(const char *dir)
{
	struct statfs sf;
	return statfs(dir, &sf) == 0 && sf.f_type == TV_TMPFS_MAGIC;
}

static const char *mnt_dir;
static char mnt_file[300];
static const char text[] = "written in the inner mount namespace\n";

static int file_has_text(void)
{
	char buf[128];
	return slurp(mnt_file, buf, sizeof buf) >= 0 && strcmp(buf, text) == 0;
}

static void mount_thread(struct job *j)
{
	j->res[0] = file_has_text();
	j->res[1] = is_tmpfs(mnt_dir);
}

static void mount_inner(void)
{
	say("mount: unshare(CLONE_NEWNS): %s", rc(unshare(CLONE_NEWNS)));
	say("mount: make / private, recursively: %s", rc(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)));
	say("mount: mount a tmpfs: %s", rc(mount("tvisor-tmpfs", mnt_dir, "tmpfs", 0, "size=1m,mode=700")));
	say("mount: statfs says tmpfs: %s", yn(is_tmpfs(mnt_dir)));
	say("mount: own mountinfo shows it: %s", yn(has_mount(0, mnt_dir, "tmpfs") == 1));
	say("mount: the parent's mountinfo shows it: %s", yn(has_mount(getppid(), mnt_dir, "tmpfs") == 1));
	say("mount: write a file there: %s", rc(write_file(mnt_file, text, 0600)));
	say("mount: read it back: %s", yn(file_has_text()));
	pthread_t t;
	struct job j;
	job_start(&t, &j, mount_thread, 0);
	job_end(t, &j);
	say("mount: a thread reads it: %s, sees tmpfs: %s", yn(j.res[0]), yn(j.res[1]));
	pid_t pid = fork();
	if (pid == 0)
		_exit((file_has_text() ? 1 : 0) | (is_tmpfs(mnt_dir) ? 2 : 0) | (has_mount(0, mnt_dir, "tmpfs") == 1 ? 4 : 0));
	int st;
	xwaitpid(pid, &st, 0);
	int v = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	say("mount: a forked child reads it: %s, sees tmpfs: %s, its mountinfo shows it: %s", yn(v & 1), yn(v & 2),
	    yn(v & 4));
	say("mount: umount: %s", rc(umount(mnt_dir)));
	say("mount: the file is gone after umount: %s", yn(access(mnt_file, F_OK) < 0 && errno == ENOENT));
	say("mount: statfs says tmpfs: %s", yn(is_tmpfs(mnt_dir)));
}

static void mount_part(void)
{
	char tmpl[] = "/tmp/tvisor-ns.XXXXXX";
	mnt_dir = mkdtemp(tmpl);
	if (!mnt_dir) {
		say("mount: mkdtemp: %s", ename_ok(errno));
		return;
	}
	snprintf(mnt_file, sizeof mnt_file, "%s/file", mnt_dir);
	alarm(30); /* past the inner part's alarm (20 s): the cleanup below must run */
	run_part("mount", mount_inner);
	/* Never leave the directory mounted on or behind. */
	umount2(mnt_dir, MNT_DETACH);
	unlink(mnt_file);
	say("mount: the outer view: file absent: %s, not tmpfs: %s", yn(access(mnt_file, F_OK) < 0),
	    yn(!is_tmpfs(mnt_dir)));
	say("mount: rmdir the directory: %s", rc(rmdir(mnt_dir)));
}

/* --- net ------------------------------------------------------------------- */

static int lo_flags(int s, short *flags)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	*flags = ifr.ifr_flags;
	return 0;
}

static const char *lo_state(int s)
{
	short f;
	if (lo_flags(s, &f) < 0)
		return ename_ok(errno);
	return f & IFF_UP ? "up" : "down";
}

static int lo_up(int s)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A fresh UDP socket bound to 127.0.0.1: the socket, or -1 with errno. */
static int bind_loopback(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	struct sockaddr_in a = loopback(0);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

static const char *try_bind(void)
{
	int s = bind_loopback();
	if (s < 0)
		return ename_ok(errno);
	close(s);
	return "OK";
}

/* A datagram to 127.0.0.1 (the discard port: nobody needs to listen). */
static const char *try_send(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return ename_ok(errno);
	struct sockaddr_in a = loopback(9);
	const char *r = sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof a) == 1 ? "OK" : ename_ok(errno);
	close(s);
	return r;
}

static void net_thread(struct job *j)
{
	snprintf(j->text, sizeof j->text, "bind %s, sendto %s", try_bind(), try_send());
}

static void net(void)
{
	int s0 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	say("net: outer: socket: %s", rc(s0));
	say("net: outer: lo is %s", lo_state(s0));
	say("net: outer: bring lo up: %s", rc(lo_up(s0)));
	say("net: outer: bind 127.0.0.1: %s", try_bind());
	say("net: outer: sendto 127.0.0.1: %s", try_send());
	say("net: unshare(CLONE_NEWNET): %s", rc(unshare(CLONE_NEWNET)));

	struct if_nameindex *ifs = if_nameindex();
	char names[256] = "";
	if (!ifs) {
		snprintf(names, sizeof names, "(if_nameindex: %s)", ename_ok(errno));
	} else {
		for (struct if_nameindex *i = ifs; i->if_index; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ? " " : "", i->if_name);
		if_freenameindex(ifs);
	}
	say("net: interfaces: %s", names);
	char dev[4096];
	int lines = 0;
	if (slurp("/proc/net/dev", dev, sizeof dev) >= 0)
		for (char *p = dev; *p; p++)
			lines += *p == '\n';
	say("net: /proc/net/dev interface lines: %d", lines - 2);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	say("net: socket(AF_INET): %s", rc(s));
	say("net: lo is %s", lo_state(s));
	say("net: bind 127.0.0.1: %s", try_bind());
	say("net: sendto 127.0.0.1: %s", try_send());
	pthread_t t;
	struct job j;
	job_start(&t, &j, net_thread, 0);
	job_end(t, &j);
	say("net: a thread made after: %s", j.text);
	say("net: the outer socket still sees the outer lo %s", lo_state(s0));
	say("net: bring lo up: %s", rc(lo_up(s)));
	say("net: lo is %s", lo_state(s));
	say("net: sendto 127.0.0.1: %s", try_send());
	int a = bind_loopback(), b = bind_loopback();
	say("net: bind 127.0.0.1 twice: %s", a >= 0 && b >= 0 ? "OK" : ename_ok(errno));
	if (a >= 0 && b >= 0) {
		struct sockaddr_in to;
		socklen_t len = sizeof to;
		char buf[16] = "";
		getsockname(b, (struct sockaddr *)&to, &len);
		ssize_t n = sendto(a, "ping", 4, 0, (struct sockaddr *)&to, len);
		ssize_t m = n == 4 ? recv(b, buf, sizeof buf - 1, 0) : -1;
		say("net: a datagram over lo: %s", yn(m == 4 && memcmp(buf, "ping", 4) == 0));
	}
}

/* --- ipc ------------------------------------------------------------------- */

#define SHM_KEY 0x7476736e /* "tvsn" */

static void ipc(void)
{
	int id = shmget(SHM_KEY, 4096, IPC_CREAT | IPC_EXCL | 0600);
	say("ipc: outer: shmget(IPC_CREAT|IPC_EXCL): %s", rc(id));
	int fd = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	say("ipc: open /proc/self/ns/ipc: %s", rc(fd));
	say("ipc: unshare(CLONE_NEWIPC): %s", rc(unshare(CLONE_NEWIPC)));
	say("ipc: shmget of the outer key: %s", rc(shmget(SHM_KEY, 0, 0)));
	int id2 = shmget(SHM_KEY, 4096, IPC_CREAT | IPC_EXCL | 0600);
	say("ipc: shmget(IPC_CREAT|IPC_EXCL) of the same key: %s", rc(id2));
	if (id2 >= 0)
		say("ipc: remove it: %s", rc(shmctl(id2, IPC_RMID, NULL)));
	say("ipc: setns back: %s", rc(setns(fd, CLONE_NEWIPC)));
	int id3 = shmget(SHM_KEY, 0, 0);
	say("ipc: shmget of the outer key again: %s, same segment: %s", rc(id3), yn(id3 >= 0 && id3 == id));
	if (id3 >= 0)
		say("ipc: remove it: %s", rc(shmctl(id3, IPC_RMID, NULL)));
	close(fd);
}

/* --- files ----------------------------------------------------------------- */

static int new_pipe[2], old_fd;

static void files_thread(struct job *j)
{
	j->res[0] = fcntl(new_pipe[0], F_GETFD) >= 0;
	j->res[1] = errno;
	j->res[2] = fcntl(new_pipe[1], F_GETFD) >= 0;
	j->res[3] = fcntl(old_fd, F_GETFD) >= 0;
	j->res[4] = close(old_fd) == 0;
}

static void files(void)
{
	old_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pthread_t t;
	struct job j;
	job_start(&t, &j, files_thread, 1);
	say("files: unshare(CLONE_FILES): %s", rc(unshare(CLONE_FILES)));
	say("files: pipe: %s", rc(pipe(new_pipe)));
	char c = 0;
	say("files: write and read through it: %s",
	    yn(write(new_pipe[1], "x", 1) == 1 && read(new_pipe[0], &c, 1) == 1 && c == 'x'));
	say("files: close an fd from before: %s", rc(close(old_fd)));
	job_go(&j);
	job_end(t, &j);
	say("files: the thread made before has the new pipe: %s%s%s", yn(j.res[0]), j.res[0] ? "" : " ",
	    j.res[0] ? "" : ename_ok(j.res[1]));
	say("files: ... its write end: %s", yn(j.res[2]));
	say("files: ... still has the fd closed here: %s, closes it: %s", yn(j.res[3]), yn(j.res[4]));
	say("files: close the pipe: %s %s", rc(close(new_pipe[0])), rc(close(new_pipe[1])));
	say("files: close again: %s", rc(close(new_pipe[1])));
}

/* --- fs -------------------------------------------------------------------- */

static char start_cwd[4096];
static mode_t start_umask;

static void fs_thread(struct job *j)
{
	char cwd[4096];
	mode_t m = umask(0);
	umask(m);
	j->res[0] = m == start_umask;
	j->res[1] = getcwd(cwd, sizeof cwd) && strcmp(cwd, start_cwd) == 0;
}

static void fs(void)
{
	if (!getcwd(start_cwd, sizeof start_cwd))
		say("fs: getcwd: %s", ename_ok(errno));
	start_umask = umask(022);
	umask(start_umask);
	pthread_t t;
	struct job j;
	job_start(&t, &j, fs_thread, 1);
	say("fs: unshare(CLONE_FS): %s", rc(unshare(CLONE_FS)));
	umask(077);
	mode_t m = umask(077);
	say("fs: umask read back: %03o", (unsigned)m);
	say("fs: chdir /dev: %s", rc(chdir("/dev")));
	char cwd[4096];
	say("fs: getcwd is /dev: %s", yn(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/dev") == 0));
	int fd = open("null", O_RDONLY | O_CLOEXEC);
	say("fs: open a relative name: %s", rc(fd));
	struct stat a, b;
	say("fs: ... it is /dev/null: %s", yn(fd >= 0 && fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 &&
					       a.st_rdev == b.st_rdev && a.st_ino == b.st_ino));
	if (fd >= 0)
		close(fd);
	job_go(&j);
	job_end(t, &j);
	say("fs: the thread made before keeps its umask: %s, its cwd: %s", yn(j.res[0]), yn(j.res[1]));
}

int main(void)
{
	if (!outer_is_private()) {
		say("nsunshare: not inside private mount, UTS, net and IPC namespaces: nothing done");
		return 0;
	}
	say("nsunshare: inside private mount, UTS, net and IPC namespaces: yes");
	/* NEWUSER first, from a process that never had a second thread. */
	run_part("newuser", newuser);
	run_part("uts", uts);
	run_part("setns", setns_part);
	run_part("mount", mount_part);
	run_part("net", net);
	run_part("ipc", ipc);
	run_part("files", files);
	run_part("fs", fs);
	return 0;
}
