/* ci/selftest-aarch64/qemu-user-probe.c — does qemu-aarch64 (user mode) emulate seccomp?
 * aarch64-linux-gnu-gcc -static -o probe qemu-user-probe.c && qemu-aarch64 ./probe
 * Result with qemu 7.2 (Debian 12): the prctl calls fail with EINVAL and seccomp(2)
 * with ENOSYS — see ci/README.md. Natively and in the ci/qemu-aarch64.sh VM all succeed. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

int main(void)
{
    struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
    struct sock_fprog prog = { .len = 1, .filter = f };
    long r;
    errno = 0; r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    printf("prctl(PR_SET_NO_NEW_PRIVS) = %ld errno=%d (%s)\n", r, r ? errno : 0, r ? strerror(errno) : "ok");
    errno = 0; r = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    printf("prctl(PR_GET_SECCOMP) = %ld errno=%d (%s)\n", r, r < 0 ? errno : 0, r < 0 ? strerror(errno) : "ok");
    errno = 0; r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
    printf("prctl(PR_SET_SECCOMP, FILTER) = %ld errno=%d (%s)\n", r, r ? errno : 0, r ? strerror(errno) : "ok");
    errno = 0; r = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &(unsigned){SECCOMP_RET_TRAP});
    printf("seccomp(GET_ACTION_AVAIL, TRAP) = %ld errno=%d (%s)\n", r, r ? errno : 0, r ? strerror(errno) : "ok");
    errno = 0; r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
    printf("seccomp(SET_MODE_FILTER) = %ld errno=%d (%s)\n", r, r ? errno : 0, r ? strerror(errno) : "ok");
    return 0;
}
