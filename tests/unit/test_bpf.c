/* Unit tests for core/bpf.c, the classic-BPF checker and interpreter.
 *
 * Hand-written programs cover every opcode class and every rule of the
 * checker; then the same programs, and a few hundred random ones, are
 * compared with the real kernel: each is installed with
 * seccomp(SECCOMP_SET_MODE_FILTER) in a forked child, which calls getppid
 * and reports what the filter made of it.
 *
 * Output: one "PASS: name" or "FAIL: name" line per check or group; the
 * exit status is 0 iff nothing failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/bpf.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "unsupported host architecture"
#endif

#define S(code, k) BPF_STMT(code, k)
#define J(code, k, jt, jf) BPF_JUMP(code, k, jt, jf)
#define PROG(...) (const struct sock_filter[]){ __VA_ARGS__ }, \
	sizeof((const struct sock_filter[]){ __VA_ARGS__ }) / sizeof(struct sock_filter)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define OFF_NR offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)
#define OFF_IP offsetof(struct seccomp_data, instruction_pointer)
#define OFF_ARG(i) (offsetof(struct seccomp_data, args) + 8 * (i))

static int failures;

static void report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failures += !ok;
}

/* The data of a getppid call with known arguments: what the kernel
 * builds for the child's call, except the instruction pointer. */
static struct seccomp_data getppid_data(const uint64_t args[6])
{
	struct seccomp_data d = { .nr = SYS_getppid, .arch = NATIVE_ARCH,
				  .instruction_pointer = 0x0000123456789abcull };

	memcpy(d.args, args, sizeof(d.args));
	return d;
}

static const uint64_t fixed_args[6] = {
	0x1111111122222222ull, 0xfedcba9876543210ull, 5, 0xffffffffull,
	0x100000000ull, 0,
};

/* --- running filters in the real kernel --- */

/* fork, retried for a while: a loaded machine may refuse one for a moment,
 * and a lost child must not read as a kernel disagreement. */
static pid_t fork_retry(void)
{
	for (int i = 0; i < 100; i++) {
		pid_t pid = fork();

		if (pid >= 0 || (errno != EAGAIN && errno != ENOMEM))
			return pid;
		usleep(10000);
	}
	return -1;
}

enum { OUT_REFUSED, OUT_RETURNED, OUT_SIGNALED, OUT_BROKEN };

struct outcome {
	int kind;
	long value;     /* REFUSED: errno; RETURNED: return value; SIGNALED: signal */
	int err;        /* RETURNED: errno if value == -1 */
};

struct report_msg {
	int installed, err;
	long r;
	int call_err;
};

static void child(const struct sock_filter *prog, size_t len, int call,
		  const uint64_t args[6], int fd)
{
	struct sock_fprog fprog = { .len = (unsigned short)len,
				    .filter = (struct sock_filter *)prog };
	struct report_msg m = { 0 };
	struct rlimit no_core = { 0, 0 };

	/* A filter that kills must not leave core files behind. */
	setrlimit(RLIMIT_CORE, &no_core);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		_exit(2);
	/* fprog.len is 16 bits: a longer program must reach the kernel as
	 * such, so refuse here as the kernel would for BPF_MAXINSNS + 1. */
	if (len > 0xffff || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
		m.err = len > 0xffff ? EINVAL : errno;
		if (write(fd, &m, sizeof(m)) != sizeof(m))
			_exit(3);
		_exit(0);
	}
	m.installed = 1;
	if (call) {
		errno = 0;
		m.r = syscall(SYS_getppid, args[0], args[1], args[2], args[3],
			      args[4], args[5]);
		m.call_err = errno;
	}
	if (write(fd, &m, sizeof(m)) != sizeof(m))
		_exit(3);
	_exit(0);
}

static struct outcome kernel_run(const struct sock_filter *prog, size_t len,
				 int call, const uint64_t args[6])
{
	struct outcome o = { OUT_BROKEN, 0, 0 };
	struct report_msg m;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return o;
	fflush(stdout);
	pid = fork_retry();
	if (pid == 0) {
		close(fds[0]);
		child(prog, len, call, args, fds[1]);
	}
	close(fds[1]);
	n = read(fds[0], &m, sizeof(m));
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return o;
	if (WIFSIGNALED(status)) {
		o.kind = OUT_SIGNALED;
		o.value = WTERMSIG(status);
	} else if (n == sizeof(m) && !m.installed) {
		o.kind = OUT_REFUSED;
		o.value = m.err;
	} else if (n == sizeof(m)) {
		o.kind = OUT_RETURNED;
		o.value = m.r;
		o.err = m.call_err;
	}
	return o;
}

static int kernel_usable;

/* A filter that only looks at getppid, so the child can still write its
 * report and exit whatever the body does. */
#define GETPPID_PREFIX_LEN 3
static size_t add_getppid_prefix(struct sock_filter *out)
{
	out[0] = (struct sock_filter)S(BPF_LD | BPF_W | BPF_ABS, OFF_NR);
	out[1] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0);
	out[2] = (struct sock_filter)S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return GETPPID_PREFIX_LEN;
}

/* 1 accepted, 0 refused with EINVAL, -1 something else happened.  Unless
 * raw, prog runs behind the getppid prefix, which changes neither its
 * jumps nor the load/store analysis (the prefix leaves no word stored). */
static int kernel_accepts(const struct sock_filter *prog, size_t len, int raw)
{
	struct sock_filter *buf = calloc(len + GETPPID_PREFIX_LEN + 1, sizeof(*buf));
	size_t n = raw ? 0 : add_getppid_prefix(buf);
	struct outcome o;

	if (len)
		memcpy(buf + n, prog, len * sizeof(*prog));
	o = kernel_run(buf, n + len, 0, fixed_args);
	free(buf);
	if (o.kind == OUT_RETURNED)
		return 1;
	if (o.kind == OUT_REFUSED && o.value == EINVAL)
		return 0;
	return -1;
}

/* prog with each RET rewritten to return SECCOMP_RET_ERRNO with 12 bits of
 * the original value (bits shift..shift+11), behind the getppid prefix and
 * with A reset to 0 after it.  Jumps are relocated.  Returns the length,
 * 0 if a conditional jump would not fit in 8 bits. */
static size_t wrap_for_errno(const struct sock_filter *prog, size_t len,
			     unsigned shift, struct sock_filter *out)
{
	size_t map[BPF_MAXINSNS + 1], pos = add_getppid_prefix(out);

	out[pos++] = (struct sock_filter)S(BPF_LD | BPF_IMM, 0);
	for (size_t i = 0; i <= len; i++) {
		map[i] = pos;
		if (i < len)
			pos += prog[i].code == (BPF_RET | BPF_A) ? 4 : 1;
	}
	for (size_t i = 0; i < len; i++) {
		struct sock_filter f = prog[i];
		size_t at = map[i];

		if (f.code == (BPF_RET | BPF_A)) {
			out[at++] = (struct sock_filter)S(BPF_ALU | BPF_RSH | BPF_K, shift);
			out[at++] = (struct sock_filter)S(BPF_ALU | BPF_AND | BPF_K, 0xfff);
			out[at++] = (struct sock_filter)S(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO);
			out[at] = (struct sock_filter)S(BPF_RET | BPF_A, 0);
			continue;
		}
		if (f.code == (BPF_RET | BPF_K))
			f.k = SECCOMP_RET_ERRNO | ((f.k >> shift) & 0xfff);
		else if (f.code == (BPF_JMP | BPF_JA))
			f.k = (uint32_t)(map[i + 1 + f.k] - (at + 1));
		else if (BPF_CLASS(f.code) == BPF_JMP) {
			size_t jt = map[i + 1 + f.jt] - (at + 1);
			size_t jf = map[i + 1 + f.jf] - (at + 1);

			if (jt > 255 || jf > 255)
				return 0;
			f.jt = (uint8_t)jt;
			f.jf = (uint8_t)jf;
		}
		out[at] = f;
	}
	return pos;
}

/* What the kernel does with a getppid the filter answered with ret. */
static int outcome_matches(uint32_t ret, struct outcome o)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
	uint32_t data = ret & SECCOMP_RET_DATA;

	if (action == SECCOMP_RET_ERRNO) {
		if (data > 4095)
			data = 4095;
		if (o.kind != OUT_RETURNED)
			return 0;
		return data == 0 ? o.value == 0 : o.value == -1 && o.err == (int)data;
	}
	if (action == SECCOMP_RET_KILL_THREAD || action == SECCOMP_RET_KILL_PROCESS)
		return o.kind == OUT_SIGNALED && o.value == SIGSYS;
	return 0;   /* wrapped programs return nothing else */
}

/* Runs a checked, ip-free program in the kernel three times, each showing
 * 12 bits of its result, and compares with tv_bpf_run on the same wrapped
 * programs. */
static int kernel_agrees(const struct sock_filter *prog, size_t len,
			 const uint64_t args[6])
{
	static const unsigned shifts[] = { 0, 12, 20 };
	static struct sock_filter w[4 * BPF_MAXINSNS + 8];
	struct seccomp_data d = getppid_data(args);

	for (size_t i = 0; i < ARRAY_LEN(shifts); i++) {
		size_t n = wrap_for_errno(prog, len, shifts[i], w);
		uint32_t want;

		if (n == 0 || tv_bpf_check(w, n) != 0)
			return 0;
		want = tv_bpf_run(w, n, &d);
		if (!outcome_matches(want, kernel_run(w, n, 1, args)))
			return 0;
	}
	return 1;
}

static void probe_kernel(void)
{
	struct sock_filter allow[] = { S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };

	struct outcome o = kernel_run(allow, 1, 0, fixed_args);

	kernel_usable = o.kind == OUT_RETURNED;
	if (!kernel_usable)
		printf("SKIP: seccomp filters cannot be installed here (%s %ld);"
		       " no kernel comparison\n",
		       o.kind == OUT_REFUSED ? "errno" : o.kind == OUT_SIGNALED ? "signal" :
		       "no child", o.value);
}

/* --- the checker --- */

struct check_case {
	const char *name;
	const struct sock_filter *prog;
	size_t len;
	int ok;
};

/* A program using every accepted opcode once, validly. */
static const struct sock_filter every_opcode[] = {
	S(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
	S(BPF_LD | BPF_W | BPF_LEN, 0),
	S(BPF_LDX | BPF_W | BPF_LEN, 0),
	S(BPF_LD | BPF_IMM, 1),
	S(BPF_LDX | BPF_IMM, 2),
	S(BPF_ST, 0),
	S(BPF_STX, 15),
	S(BPF_LD | BPF_MEM, 0),
	S(BPF_LDX | BPF_MEM, 15),
	S(BPF_ALU | BPF_ADD | BPF_K, 1), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	S(BPF_ALU | BPF_SUB | BPF_K, 1), S(BPF_ALU | BPF_SUB | BPF_X, 0),
	S(BPF_ALU | BPF_MUL | BPF_K, 3), S(BPF_ALU | BPF_MUL | BPF_X, 0),
	S(BPF_ALU | BPF_DIV | BPF_K, 3), S(BPF_ALU | BPF_DIV | BPF_X, 0),
	S(BPF_ALU | BPF_AND | BPF_K, 3), S(BPF_ALU | BPF_AND | BPF_X, 0),
	S(BPF_ALU | BPF_OR | BPF_K, 3),  S(BPF_ALU | BPF_OR | BPF_X, 0),
	S(BPF_ALU | BPF_XOR | BPF_K, 3), S(BPF_ALU | BPF_XOR | BPF_X, 0),
	S(BPF_ALU | BPF_LSH | BPF_K, 3), S(BPF_ALU | BPF_LSH | BPF_X, 0),
	S(BPF_ALU | BPF_RSH | BPF_K, 31), S(BPF_ALU | BPF_RSH | BPF_X, 0),
	S(BPF_ALU | BPF_NEG, 0),
	S(BPF_MISC | BPF_TAX, 0),
	S(BPF_MISC | BPF_TXA, 0),
	S(BPF_JMP | BPF_JA, 0),
	J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),  J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
	J(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 0),  J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0),
	J(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 0),  J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0),
	J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 0), J(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0),
	S(BPF_RET | BPF_A, 0),
	S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static const struct sock_filter ret_allow = S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

static void test_check_cases(void)
{
	static struct sock_filter max_prog[BPF_MAXINSNS + 1];
	const struct check_case cases[] = {
		{ "every seccomp opcode", every_opcode, ARRAY_LEN(every_opcode), 1 },
		{ "empty program", &ret_allow, 0, 0 },
		{ "4096 instructions", max_prog, BPF_MAXINSNS, 1 },
		{ "4097 instructions", max_prog, BPF_MAXINSNS + 1, 0 },
		{ "no final RET", PROG(S(BPF_RET | BPF_K, 0), S(BPF_LD | BPF_IMM, 0)), 0 },
		{ "RET X", PROG(S(BPF_RET | BPF_X, 0)), 0 },
		{ "ld abs k=60", PROG(S(BPF_LD | BPF_W | BPF_ABS, 60), S(BPF_RET | BPF_A, 0)), 1 },
		{ "ld abs k=64 (out of bounds)", PROG(S(BPF_LD | BPF_W | BPF_ABS, 64), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld abs k=2 (misaligned)", PROG(S(BPF_LD | BPF_W | BPF_ABS, 2), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld abs k=0xfffffffc", PROG(S(BPF_LD | BPF_W | BPF_ABS, 0xfffffffc), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld abs ancillary k", PROG(S(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld half abs", PROG(S(BPF_LD | BPF_H | BPF_ABS, 0), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld byte abs", PROG(S(BPF_LD | BPF_B | BPF_ABS, 0), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld ind", PROG(S(BPF_LD | BPF_W | BPF_IND, 0), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ldx msh", PROG(S(BPF_LDX | BPF_B | BPF_MSH, 0), S(BPF_RET | BPF_A, 0)), 0 },
		{ "alu mod", PROG(S(BPF_ALU | BPF_MOD | BPF_K, 3), S(BPF_RET | BPF_A, 0)), 0 },
		{ "alu neg|x", PROG(S(BPF_ALU | BPF_NEG | BPF_X, 0), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ja|x", PROG(S(BPF_JMP | BPF_JA | BPF_X, 0), S(BPF_RET | BPF_A, 0)), 0 },
		{ "div by constant 0", PROG(S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_A, 0)), 0 },
		{ "div by X (0 at run time)", PROG(S(BPF_ALU | BPF_DIV | BPF_X, 0), S(BPF_RET | BPF_A, 0)), 1 },
		{ "lsh by constant 31", PROG(S(BPF_ALU | BPF_LSH | BPF_K, 31), S(BPF_RET | BPF_A, 0)), 1 },
		{ "lsh by constant 32", PROG(S(BPF_ALU | BPF_LSH | BPF_K, 32), S(BPF_RET | BPF_A, 0)), 0 },
		{ "rsh by constant 32", PROG(S(BPF_ALU | BPF_RSH | BPF_K, 32), S(BPF_RET | BPF_A, 0)), 0 },
		{ "st to M[16]", PROG(S(BPF_ST, 16), S(BPF_RET | BPF_A, 0)), 0 },
		{ "stx to M[16]", PROG(S(BPF_STX, 16), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld from never-stored M[3]", PROG(S(BPF_ST, 2), S(BPF_LD | BPF_MEM, 3), S(BPF_RET | BPF_A, 0)), 0 },
		{ "ldx from M[3] stored on one path only",
		  PROG(J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), S(BPF_ST, 3), S(BPF_LDX | BPF_MEM, 3),
		       S(BPF_RET | BPF_A, 0)), 0 },
		{ "ld from M[3] stored on both paths",
		  PROG(J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2), S(BPF_ST, 3), S(BPF_JMP | BPF_JA, 1),
		       S(BPF_STX, 3), S(BPF_LD | BPF_MEM, 3), S(BPF_RET | BPF_A, 0)), 1 },
		{ "ld from M[0] after a RET (kernel quirk)",
		  PROG(S(BPF_ST, 0), S(BPF_RET | BPF_A, 0), S(BPF_LD | BPF_MEM, 0), S(BPF_RET | BPF_A, 0)), 1 },
		{ "ld from never-stored M[5] right after a JA (kernel quirk)",
		  PROG(S(BPF_ST, 0), S(BPF_JMP | BPF_JA, 1), S(BPF_LD | BPF_MEM, 5), S(BPF_RET | BPF_A, 0)), 1 },
		{ "ja to the last instruction", PROG(S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2)), 1 },
		{ "ja past the end", PROG(S(BPF_JMP | BPF_JA, 2), S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2)), 0 },
		{ "ja with k=0xffffffff", PROG(S(BPF_JMP | BPF_JA, 0xffffffff), S(BPF_RET | BPF_K, 1)), 0 },
		{ "jeq jt past the end", PROG(J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_RET | BPF_K, 1)), 0 },
		{ "jgt jf past the end", PROG(J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), S(BPF_RET | BPF_K, 1)), 0 },
		{ "jset jt=jf=255 in range", NULL, 0, 1 },      /* filled below */
		{ "unknown code 0xffff", PROG(S(0xffff, 0), S(BPF_RET | BPF_A, 0)), 0 },
	};
	static struct sock_filter far[258];
	int all_ok = 1;

	for (size_t i = 0; i < ARRAY_LEN(max_prog); i++)
		max_prog[i] = ret_allow;
	far[0] = (struct sock_filter)J(BPF_JMP | BPF_JSET | BPF_K, 1, 255, 255);
	for (size_t i = 1; i < ARRAY_LEN(far); i++)
		far[i] = ret_allow;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct check_case c = cases[i];
		int got, raw, k;

		if (!c.prog) {
			c.prog = far;
			c.len = 257;
		}
		got = tv_bpf_check(c.prog, c.len) == 0;
		/* Length limits are about the program itself: no prefix. */
		raw = c.len == 0 || c.prog == max_prog;
		k = kernel_usable ? kernel_accepts(c.prog, c.len, raw) : c.ok;
		report(got == c.ok && k == c.ok, "check %s: %s (kernel: %s)", c.name,
		       got ? "accepted" : "refused",
		       k < 0 ? "error" : k ? "accepted" : "refused");
		if (!got && tv_bpf_run(c.prog, c.len, &(struct seccomp_data){ 0 }) !=
				    SECCOMP_RET_KILL_PROCESS)
			all_ok = 0;
	}
	report(all_ok, "run: the refused programs above return SECCOMP_RET_KILL_PROCESS");
}

/* Every 16-bit opcode alone between a store and a RET: accepted exactly
 * when it is one of the kernel's seccomp opcodes. */
static int seccomp_opcode(uint16_t code)
{
	static const uint16_t ok[] = {
		BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
		BPF_RET | BPF_K, BPF_RET | BPF_A,
		BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_ADD | BPF_X,
		BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_SUB | BPF_X,
		BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_MUL | BPF_X,
		BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
		BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_AND | BPF_X,
		BPF_ALU | BPF_OR | BPF_K, BPF_ALU | BPF_OR | BPF_X,
		BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_XOR | BPF_X,
		BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
		BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_RSH | BPF_X,
		BPF_ALU | BPF_NEG, BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM,
		BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM,
		BPF_ST, BPF_STX, BPF_JMP | BPF_JA,
		BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X,
		BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGE | BPF_X,
		BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
		BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JSET | BPF_X,
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		if (ok[i] == code)
			return 1;
	return 0;
}

static void test_all_opcodes(void)
{
	int ok = 1, kernel_ok = 1, n_ok = 0;

	for (uint32_t code = 0; code <= 0xffff; code++) {
		/* k = 4: aligned, non-zero divisor, short shift, valid slot
		 * stored by the first instruction, JA to the final RET. */
		struct sock_filter p[] = {
			S(BPF_ST, 4), { (uint16_t)code, 0, 0, 0 },
			S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		int want, got;

		p[1].k = code == (BPF_JMP | BPF_JA) ? 0 : 4;
		want = seccomp_opcode((uint16_t)code);
		got = tv_bpf_check(p, ARRAY_LEN(p)) == 0;
		ok &= got == want;
		n_ok += got;
		/* The kernel's opcode table ends below 0x100. */
		if (kernel_usable && code < 0x100)
			kernel_ok &= kernel_accepts(p, ARRAY_LEN(p), 0) == want;
	}
	report(ok, "check: exactly the %d seccomp opcodes of 65536 are accepted", n_ok);
	report(kernel_ok, "check: the kernel agrees on opcodes 0x00..0xff");
}

/* --- the interpreter --- */

struct run_case {
	const char *name;
	const struct sock_filter *prog;
	size_t len;
	uint32_t want;
	int reads_ip;           /* cannot be compared with the kernel */
};

#define RET_A S(BPF_RET | BPF_A, 0)
#define LDI(v) S(BPF_LD | BPF_IMM, v)
#define LDXI(v) S(BPF_LDX | BPF_IMM, v)
#define ALUK(op, v) S(BPF_ALU | (op) | BPF_K, v)
#define ALUX(op) S(BPF_ALU | (op) | BPF_X, 0)
/* 1 if A (op) k holds, else 2. */
#define JK(a, op, k) PROG(LDI(a), J(BPF_JMP | (op) | BPF_K, k, 0, 1), \
			  S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2))
#define JX(a, op, x) PROG(LDI(a), LDXI(x), J(BPF_JMP | (op) | BPF_X, 0, 0, 1), \
			  S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2))

static void test_run_cases(void)
{
	const struct run_case cases[] = {
		{ "ld abs nr", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_NR), RET_A), SYS_getppid, 0 },
		{ "ld abs arch", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH), RET_A), NATIVE_ARCH, 0 },
		{ "ld abs ip low", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_IP), RET_A), 0x56789abc, 1 },
		{ "ld abs ip high", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_IP + 4), RET_A), 0x1234, 1 },
		{ "ld abs arg0 low", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_ARG(0)), RET_A), 0x22222222, 0 },
		{ "ld abs arg0 high", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_ARG(0) + 4), RET_A), 0x11111111, 0 },
		{ "ld abs arg1 low", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_ARG(1)), RET_A), 0x76543210, 0 },
		{ "ld abs arg4 high", PROG(S(BPF_LD | BPF_W | BPF_ABS, OFF_ARG(4) + 4), RET_A), 1, 0 },
		{ "ld abs arg5 high (last word)", PROG(S(BPF_LD | BPF_W | BPF_ABS, 60), RET_A), 0, 0 },
		{ "ld len", PROG(S(BPF_LD | BPF_W | BPF_LEN, 0), RET_A), 64, 0 },
		{ "ldx len, txa", PROG(S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_MISC | BPF_TXA, 0), RET_A), 64, 0 },
		{ "A and X start at 0", PROG(S(BPF_ALU | BPF_ADD | BPF_X, 0), RET_A), 0, 0 },
		{ "ld imm", PROG(LDI(0xdeadbeef), RET_A), 0xdeadbeef, 0 },
		{ "ldx imm, txa", PROG(LDXI(0xcafe), S(BPF_MISC | BPF_TXA, 0), RET_A), 0xcafe, 0 },
		{ "tax", PROG(LDI(77), S(BPF_MISC | BPF_TAX, 0), LDI(0), ALUX(BPF_ADD), RET_A), 77, 0 },
		{ "st, ld mem", PROG(LDI(7), S(BPF_ST, 3), LDI(0), S(BPF_LD | BPF_MEM, 3), RET_A), 7, 0 },
		{ "stx, ldx mem", PROG(LDXI(9), S(BPF_STX, 15), LDXI(0), S(BPF_LDX | BPF_MEM, 15),
				       S(BPF_MISC | BPF_TXA, 0), RET_A), 9, 0 },
		{ "add k wraps", PROG(LDI(0xfffffff0), ALUK(BPF_ADD, 0x20), RET_A), 0x10, 0 },
		{ "sub k wraps", PROG(LDI(5), ALUK(BPF_SUB, 7), RET_A), 0xfffffffe, 0 },
		{ "mul k wraps", PROG(LDI(0x10001), ALUK(BPF_MUL, 0x10001), RET_A), 0x20001, 0 },
		{ "div k unsigned", PROG(LDI(0xfffffffe), ALUK(BPF_DIV, 7), RET_A), 0xfffffffeu / 7, 0 },
		{ "and k", PROG(LDI(0xf0f0), ALUK(BPF_AND, 0xff00), RET_A), 0xf000, 0 },
		{ "or k", PROG(LDI(0xf0f0), ALUK(BPF_OR, 0xff00), RET_A), 0xfff0, 0 },
		{ "xor k", PROG(LDI(0xf0f0), ALUK(BPF_XOR, 0xff00), RET_A), 0x0ff0, 0 },
		{ "lsh k 31", PROG(LDI(3), ALUK(BPF_LSH, 31), RET_A), 0x80000000, 0 },
		{ "rsh k 31 (logical)", PROG(LDI(0x80000000), ALUK(BPF_RSH, 31), RET_A), 1, 0 },
		{ "neg", PROG(LDI(5), S(BPF_ALU | BPF_NEG, 0), RET_A), 0xfffffffb, 0 },
		{ "add x", PROG(LDI(40), LDXI(2), ALUX(BPF_ADD), RET_A), 42, 0 },
		{ "sub x", PROG(LDI(40), LDXI(42), ALUX(BPF_SUB), RET_A), 0xfffffffe, 0 },
		{ "mul x", PROG(LDI(0x80000001), LDXI(4), ALUX(BPF_MUL), RET_A), 4, 0 },
		{ "div x", PROG(LDI(100), LDXI(7), ALUX(BPF_DIV), RET_A), 14, 0 },
		{ "div x by 0 returns 0", PROG(LDI(100), LDXI(0), ALUX(BPF_DIV),
					      S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)), 0, 0 },
		{ "and x", PROG(LDI(6), LDXI(3), ALUX(BPF_AND), RET_A), 2, 0 },
		{ "or x", PROG(LDI(6), LDXI(3), ALUX(BPF_OR), RET_A), 7, 0 },
		{ "xor x", PROG(LDI(6), LDXI(3), ALUX(BPF_XOR), RET_A), 5, 0 },
		{ "lsh x 33 shifts by 1", PROG(LDI(1), LDXI(33), ALUX(BPF_LSH), RET_A), 2, 0 },
		{ "lsh x 32 shifts by 0", PROG(LDI(1), LDXI(32), ALUX(BPF_LSH), RET_A), 1, 0 },
		{ "rsh x 36 shifts by 4", PROG(LDI(0x100), LDXI(36), ALUX(BPF_RSH), RET_A), 0x10, 0 },
		{ "rsh x 0xffffffff shifts by 31", PROG(LDI(0x80000000), LDXI(0xffffffff), ALUX(BPF_RSH), RET_A), 1, 0 },
		{ "ja skips", PROG(S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2)), 2, 0 },
		{ "jeq k true", JK(5, BPF_JEQ, 5), 1, 0 },
		{ "jeq k false", JK(5, BPF_JEQ, 6), 2, 0 },
		{ "jgt k unsigned", JK(0xffffffff, BPF_JGT, 1), 1, 0 },
		{ "jgt k equal", JK(7, BPF_JGT, 7), 2, 0 },
		{ "jge k equal", JK(7, BPF_JGE, 7), 1, 0 },
		{ "jge k less", JK(6, BPF_JGE, 7), 2, 0 },
		{ "jset k", JK(0x10, BPF_JSET, 0x30), 1, 0 },
		{ "jset k none", JK(0x10, BPF_JSET, 0x20), 2, 0 },
		{ "jeq x", JX(9, BPF_JEQ, 9), 1, 0 },
		{ "jgt x", JX(0x80000000, BPF_JGT, 0x7fffffff), 1, 0 },
		{ "jge x", JX(1, BPF_JGE, 2), 2, 0 },
		{ "jset x", JX(0xf0, BPF_JSET, 0x0f), 2, 0 },
		{ "ret k", PROG(S(BPF_RET | BPF_K, 0x12345678)), 0x12345678, 0 },
		{ "ret a", PROG(LDI(0x87654321), RET_A), 0x87654321, 0 },
	};
	struct seccomp_data d = getppid_data(fixed_args);
	int interp_ok = 1, kernel_ok = 1;
	char first_bad[96] = "", first_kbad[96] = "";

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct run_case *c = &cases[i];
		uint32_t got = tv_bpf_check(c->prog, c->len) == 0 ?
			       tv_bpf_run(c->prog, c->len, &d) : 0xdeadu;

		if (got != c->want || tv_bpf_run_checked(c->prog, c->len, &d) != got) {
			if (interp_ok)
				snprintf(first_bad, sizeof(first_bad), " (first: %s = %#x)",
					 c->name, got);
			interp_ok = 0;
		}
		if (kernel_usable && !c->reads_ip &&
		    !kernel_agrees(c->prog, c->len, fixed_args)) {
			if (kernel_ok)
				snprintf(first_kbad, sizeof(first_kbad), " (first: %s)", c->name);
			kernel_ok = 0;
		}
	}
	report(interp_ok, "run: %zu programs over every opcode class give the expected value%s",
	       ARRAY_LEN(cases), first_bad);
	if (kernel_usable)
		report(kernel_ok, "run: the kernel returns the same for them%s", first_kbad);
}

/* Out-of-bounds programs on exactly-sized heap blocks: ASan would see any
 * read beyond the program or the data. */
static void test_bounds(void)
{
	const struct { const struct sock_filter *p; size_t n; } progs[] = {
		{ PROG(S(BPF_LD | BPF_W | BPF_ABS, 64), RET_A) },
		{ PROG(S(BPF_LD | BPF_W | BPF_ABS, 62), RET_A) },
		{ PROG(S(BPF_LD | BPF_W | BPF_ABS, 0xfffffffc), RET_A) },
		{ PROG(S(BPF_LD | BPF_MEM, 16), RET_A) },
		{ PROG(S(BPF_ST, 0x80000000), RET_A) },
		{ PROG(S(BPF_JMP | BPF_JA, 0xffffffff), RET_A) },
		{ PROG(S(BPF_JMP | BPF_JA, 1), RET_A) },
		{ PROG(J(BPF_JMP | BPF_JEQ | BPF_K, 0, 255, 255), RET_A) },
		{ PROG(LDI(1)) },
		{ PROG(S(BPF_ALU | BPF_DIV | BPF_K, 0), RET_A) },
		{ PROG(S(BPF_ALU | BPF_LSH | BPF_K, 99), RET_A) },
	};
	struct seccomp_data *d = malloc(sizeof(*d));
	int ok = 1;

	memset(d, 0xa5, sizeof(*d));
	for (size_t i = 0; i < ARRAY_LEN(progs); i++) {
		size_t bytes = progs[i].n * sizeof(struct sock_filter);
		struct sock_filter *p = malloc(bytes);

		memcpy(p, progs[i].p, bytes);
		ok &= tv_bpf_check(p, progs[i].n) == -22;
		ok &= tv_bpf_run(p, progs[i].n, d) == SECCOMP_RET_KILL_PROCESS;
		ok &= tv_bpf_run_checked(p, progs[i].n, d) == SECCOMP_RET_KILL_PROCESS;
		free(p);
	}
	ok &= tv_bpf_run(NULL, 1, d) == SECCOMP_RET_KILL_PROCESS;
	ok &= tv_bpf_run_checked(every_opcode, ARRAY_LEN(every_opcode), NULL) ==
	      SECCOMP_RET_KILL_PROCESS;
	free(d);
	report(ok, "run: out-of-bounds loads, stores and jumps, missing RET: killed, nothing read out of bounds");
}

/* --- random programs --- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t rnd_k(void)
{
	return rnd() % 4 == 0 ? rnd() : rnd() % 40;
}

static const uint16_t alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH, BPF_NEG,
};
static const uint16_t jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };

/* Mostly valid instructions, now and then a broken one.  ip_free: never
 * load the instruction pointer (the kernel's is unknown to the test). */
static struct sock_filter random_insn(size_t pc, size_t len, int ip_free)
{
	size_t room = len - pc - 2;     /* largest in-range jump offset */
	struct sock_filter f = { 0, 0, 0, rnd_k() };
	uint16_t op;

	switch (rnd() % 16) {
	case 0:
		do
			f.k = 4 * (rnd() % 16);
		while (ip_free && (f.k == OFF_IP || f.k == OFF_IP + 4));
		if (rnd() % 32 == 0)
			f.k += rnd() % 2 ? 2 : 64;
		f.code = BPF_LD | BPF_W | BPF_ABS;
		break;
	case 1: f.code = rnd() % 2 ? BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN; break;
	case 2: f.code = rnd() % 2 ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM; break;
	case 3: f.code = rnd() % 2 ? BPF_ST : BPF_STX; f.k = rnd() % 17; break;
	case 4: f.code = rnd() % 2 ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM; f.k = rnd() % 16; break;
	case 5: case 6: case 7: case 8:
		op = alu_ops[rnd() % ARRAY_LEN(alu_ops)];
		f.code = BPF_ALU | op | (op != BPF_NEG && rnd() % 2 ? BPF_X : BPF_K);
		if ((op == BPF_LSH || op == BPF_RSH) && rnd() % 8)
			f.k %= 32;
		if (op == BPF_DIV && f.k == 0 && rnd() % 4)
			f.k = 3;
		break;
	case 9: f.code = BPF_MISC | (rnd() % 2 ? BPF_TAX : BPF_TXA); break;
	case 10: case 11: case 12:
		f.code = BPF_JMP | jmp_ops[rnd() % ARRAY_LEN(jmp_ops)] | (rnd() % 2 ? BPF_X : BPF_K);
		f.jt = (uint8_t)(rnd() % (room + 1 + (rnd() % 32 == 0)));
		f.jf = (uint8_t)(rnd() % (room + 1));
		break;
	case 13:
		f.code = BPF_JMP | BPF_JA;
		f.k = rnd() % (room + 1 + (rnd() % 32 == 0));
		break;
	case 14: f.code = BPF_RET | BPF_K; break;
	default: f.code = BPF_RET | BPF_A; break;
	}
	if (rnd() % 64 == 0)
		f.code = (uint16_t)(rnd() % 0x100);
	return f;
}

static size_t random_prog(struct sock_filter *p, int ip_free)
{
	size_t len = 2 + rnd() % 30;

	for (size_t pc = 0; pc + 1 < len; pc++)
		p[pc] = random_insn(pc, len, ip_free);
	p[len - 1] = (struct sock_filter)S(rnd() % 2 ? BPF_RET | BPF_A : BPF_RET | BPF_K, rnd_k());
	if (rnd() % 32 == 0)
		p[len - 1] = random_insn(len - 1, len + 1, ip_free);
	return len;
}

static void test_random_vs_kernel(void)
{
	int check_ok = 1, run_ok = 1, accepted = 0, refused = 0;
	struct sock_filter p[40];

	if (!kernel_usable)
		return;
	for (int i = 0; i < 300; i++) {
		size_t len = random_prog(p, 1);
		int mine = tv_bpf_check(p, len) == 0, theirs = kernel_accepts(p, len, 0);
		uint64_t args[6];

		if (mine != theirs) {
			check_ok = 0;
			continue;
		}
		if (!mine) {
			refused++;
			continue;
		}
		accepted++;
		for (int a = 0; a < 6; a++)
			args[a] = (uint64_t)rnd() << 32 | rnd();
		run_ok &= kernel_agrees(p, len, args);
	}
	report(check_ok, "random programs: check agrees with the kernel (%d accepted, %d refused)",
	       accepted, refused);
	report(run_ok, "random programs: run agrees with the kernel on all %d accepted", accepted);
}

/* Garbage on exactly-sized heap blocks: no crash, no out-of-bounds read
 * (ASan), no UB (UBSan); run and run_checked agree on checked programs. */
static void test_garbage(void)
{
	struct seccomp_data *d = malloc(sizeof(*d));
	int ok = 1, n_checked = 0;

	for (int i = 0; i < 200000; i++) {
		size_t len = 1 + rnd() % 12;
		struct sock_filter *p = malloc(len * sizeof(*p));

		for (size_t pc = 0; pc < len; pc++) {
			p[pc] = rnd() % 2 ? random_insn(pc, len + 1, 0) :
			       (struct sock_filter){ (uint16_t)rnd(), (uint8_t)rnd(),
						     (uint8_t)rnd(), rnd() };
			if (rnd() % 4 == 0)
				p[pc].code &= 0xff;
		}
		for (size_t b = 0; b < sizeof(*d); b++)
			((unsigned char *)d)[b] = (unsigned char)rnd();
		if (tv_bpf_check(p, len) == 0) {
			n_checked++;
			ok &= tv_bpf_run(p, len, d) == tv_bpf_run_checked(p, len, d);
		} else {
			ok &= tv_bpf_run(p, len, d) == SECCOMP_RET_KILL_PROCESS;
			(void)tv_bpf_run_checked(p, len, d);
		}
		free(p);
	}
	free(d);
	report(ok, "garbage: 200000 random programs, %d valid, run safely", n_checked);
}

int main(void)
{
	probe_kernel();
	test_check_cases();
	test_all_opcodes();
	test_run_cases();
	test_bounds();
	test_random_vs_kernel();
	test_garbage();
	return failures ? 1 : 0;
}
