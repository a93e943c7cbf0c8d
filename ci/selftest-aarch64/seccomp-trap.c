/* ci/selftest-aarch64/seccomp-trap.c — does SECCOMP_RET_TRAP work here?
 *
 * The mechanism tvisor stands on, checked on its own: a classic-BPF seccomp
 * filter returns SECCOMP_RET_TRAP for getppid; the SIGSYS handler records what
 * the kernel reports (si_code, si_syscall, si_arch, si_errno = SECCOMP_RET_DATA,
 * si_call_addr), the registers in the ucontext (syscall number and arguments, PC),
 * and writes the syscall's result into the return register (x0 on aarch64, rax
 * on x86_64). Checked: the caller sees that result, for a libc call, a raw
 * syscall(2) with arguments, and a call from a second thread (SIGSYS goes to
 * the thread that made the call); untrapped calls still work.
 *
 * Built by ci/selftest-aarch64.sh with aarch64-linux-gnu-gcc (static and
 * dynamic) and, when available, the musl arm64 cross wrapper; run on a real
 * arm64 kernel by ci/qemu-aarch64.sh. It builds and runs natively on x86_64 too.
 *
 * usage: seccomp-trap [LABEL]   — prints "PASS: seccomp-trap-ARCH (LABEL)" or
 * "FAIL: ..." and exits 0 / 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__aarch64__)
#define ARCH_NAME "aarch64"
#define AUDIT_ARCH_SELF AUDIT_ARCH_AARCH64
#define UC_PC(uc) ((uc)->uc_mcontext.pc)
#define UC_NR(uc) ((uc)->uc_mcontext.regs[8])
#define UC_ARG(uc, i) ((uc)->uc_mcontext.regs[(i)])
#define UC_RET(uc) ((uc)->uc_mcontext.regs[0])
/* svc #0 */
static int is_syscall_insn_before(uintptr_t pc)
{
    uint32_t insn;
    memcpy(&insn, (const void *)(pc - 4), 4);
    return insn == 0xd4000001u;
}
#elif defined(__x86_64__)
#define ARCH_NAME "x86_64"
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
#define UC_PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#define UC_NR(uc) ((uc)->uc_mcontext.gregs[REG_RAX])
static const int x86_arg_reg[6] = { REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9 };
#define UC_ARG(uc, i) ((uc)->uc_mcontext.gregs[x86_arg_reg[(i)]])
#define UC_RET(uc) ((uc)->uc_mcontext.gregs[REG_RAX])
/* syscall = 0f 05 */
static int is_syscall_insn_before(uintptr_t pc)
{
    const unsigned char *p = (const unsigned char *)(pc - 2);
    return p[0] == 0x0f && p[1] == 0x05;
}
#else
#error "seccomp-trap: unsupported architecture"
#endif

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

#define FAKE_RET 4242
#define TRAP_DATA 42

struct trap_record {
    int count;
    int signo, code, syscall_nr, errno_data;
    unsigned int arch;
    uintptr_t call_addr, pc;
    long uc_nr;
    unsigned long args[3];
    pid_t tid;
};

static volatile struct trap_record rec;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    rec.count++;
    rec.signo = sig;
    rec.code = si->si_code;
    rec.syscall_nr = si->si_syscall;
    rec.arch = si->si_arch;
    rec.errno_data = si->si_errno;
    rec.call_addr = (uintptr_t)si->si_call_addr;
    rec.pc = (uintptr_t)UC_PC(uc);
    rec.uc_nr = (long)UC_NR(uc);
    for (int i = 0; i < 3; i++)
        rec.args[i] = (unsigned long)UC_ARG(uc, i);
    rec.tid = (pid_t)syscall(SYS_gettid);
    /* the trapped call did not run: its result is what we put here */
    UC_RET(uc) = FAKE_RET;
}

static int failures;

static void check(int ok, const char *what)
{
    printf("  %s: %s\n", ok ? "ok" : "NOT OK", what);
    if (!ok)
        failures++;
}

static void show_record(const char *tag)
{
    printf("  [%s] SIGSYS #%d: si_signo=%d si_code=%d si_syscall=%d si_arch=%#x si_errno=%d\n"
           "  [%s]   si_call_addr=%#lx uc.pc=%#lx uc.nr=%ld uc.args=%lu,%lu,%lu tid=%d\n",
           tag, rec.count, rec.signo, rec.code, rec.syscall_nr, rec.arch, rec.errno_data,
           tag, (unsigned long)rec.call_addr, (unsigned long)rec.pc, rec.uc_nr,
           rec.args[0], rec.args[1], rec.args[2], (int)rec.tid);
}

static void check_record(const char *tag, int expect_count, pid_t expect_tid)
{
    char buf[160];
    show_record(tag);
#define CHECK(cond, ...) (snprintf(buf, sizeof buf, __VA_ARGS__), check((cond), buf))
    CHECK(rec.count == expect_count, "[%s] handler ran (count %d)", tag, expect_count);
    CHECK(rec.signo == SIGSYS && rec.code == SYS_SECCOMP, "[%s] si_signo == SIGSYS, si_code == SYS_SECCOMP", tag);
    CHECK(rec.syscall_nr == __NR_getppid && rec.uc_nr == __NR_getppid,
          "[%s] si_syscall == uc nr == __NR_getppid (%d)", tag, __NR_getppid);
    CHECK(rec.arch == AUDIT_ARCH_SELF, "[%s] si_arch == AUDIT_ARCH for " ARCH_NAME " (%#x)", tag,
          (unsigned)AUDIT_ARCH_SELF);
    CHECK(rec.errno_data == TRAP_DATA, "[%s] si_errno == SECCOMP_RET_DATA (%d)", tag, TRAP_DATA);
    CHECK(rec.call_addr != 0 && rec.call_addr == rec.pc,
          "[%s] si_call_addr == ucontext pc (after the syscall insn)", tag);
    CHECK(rec.call_addr != 0 && is_syscall_insn_before(rec.call_addr),
          "[%s] the instruction before si_call_addr is the syscall instruction", tag);
    CHECK(rec.tid == expect_tid, "[%s] SIGSYS delivered to the calling thread", tag);
#undef CHECK
}

static void *thread_main(void *arg)
{
    long *out = arg;
    out[0] = (long)syscall(SYS_gettid);
    out[1] = (long)getppid();
    return NULL;
}

int main(int argc, char **argv)
{
    const char *label = argc > 1 ? argv[1] : "default";
    char buf[160];
    pid_t me = (pid_t)syscall(SYS_gettid);

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("seccomp-trap-" ARCH_NAME " (%s)\n", label);

    pid_t real_ppid = getppid();
    printf("  getppid() before the filter = %d\n", (int)real_ppid);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) != 0) {
        printf("  sigaction(SIGSYS): %s\n", strerror(errno));
        printf("FAIL: seccomp-trap-" ARCH_NAME " (%s): sigaction\n", label);
        return 1;
    }

    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | TRAP_DATA),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof filter / sizeof filter[0], .filter = filter };

    long r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    printf("  prctl(PR_SET_NO_NEW_PRIVS) = %ld%s%s\n", r, r ? " errno: " : "", r ? strerror(errno) : "");
    unsigned int action = SECCOMP_RET_TRAP;
    r = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
    printf("  seccomp(SECCOMP_GET_ACTION_AVAIL, RET_TRAP) = %ld%s%s\n", r, r ? " errno: " : "",
           r ? strerror(errno) : "");
    r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
    printf("  seccomp(SECCOMP_SET_MODE_FILTER) = %ld%s%s\n", r, r ? " errno: " : "", r ? strerror(errno) : "");
    if (r != 0) {
        printf("FAIL: seccomp-trap-" ARCH_NAME " (%s): cannot install the filter: %s\n", label,
               strerror(errno));
        return 1;
    }
    long mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    snprintf(buf, sizeof buf, "prctl(PR_GET_SECCOMP) == SECCOMP_MODE_FILTER (got %ld)", mode);
    check(mode == SECCOMP_MODE_FILTER, buf);

    /* 1. the libc wrapper */
    pid_t got = getppid();
    snprintf(buf, sizeof buf, "getppid() returns the handler's value %d (got %d)", FAKE_RET, (int)got);
    check(got == FAKE_RET, buf);
    check_record("libc", 1, me);

    /* 2. raw syscall(2) with arguments: the handler must see them in the ucontext */
    long raw = syscall(SYS_getppid, 11L, 22L, 33L);
    snprintf(buf, sizeof buf, "syscall(SYS_getppid, 11, 22, 33) returns %d (got %ld)", FAKE_RET, raw);
    check(raw == FAKE_RET, buf);
    check_record("raw", 2, me);
    snprintf(buf, sizeof buf, "[raw] ucontext argument registers hold 11, 22, 33 (got %lu, %lu, %lu)",
             rec.args[0], rec.args[1], rec.args[2]);
    check(rec.args[0] == 11 && rec.args[1] == 22 && rec.args[2] == 33, buf);

    /* 3. a thread created after the filter inherits it; SIGSYS hits that thread */
    long tres[2] = { 0, 0 };
    pthread_t t;
    int e = pthread_create(&t, NULL, thread_main, tres);
    if (e == 0)
        e = pthread_join(t, NULL);
    snprintf(buf, sizeof buf, "pthread_create/join (%s)", e ? strerror(e) : "ok");
    check(e == 0, buf);
    snprintf(buf, sizeof buf, "getppid() in a second thread returns %d (got %ld)", FAKE_RET, tres[1]);
    check(tres[1] == FAKE_RET, buf);
    check_record("thread", 3, (pid_t)tres[0]);

    /* 4. untrapped calls still go to the kernel */
    pid_t pid = getpid();
    snprintf(buf, sizeof buf, "getpid() untrapped (%d), handler not run for it", (int)pid);
    check(pid > 0 && rec.count == 3, buf);

    if (failures) {
        printf("FAIL: seccomp-trap-" ARCH_NAME " (%s): %d check(s) failed\n", label, failures);
        return 1;
    }
    printf("PASS: seccomp-trap-" ARCH_NAME " (%s)\n", label);
    return 0;
}
