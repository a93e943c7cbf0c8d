/* A classic-BPF checker and interpreter over struct seccomp_data, with the
 * kernel's seccomp semantics.
 *
 * The monitor traps calls before a guest's own seccomp filters see them
 * (TRAP wins over ERRNO), so it must run the guest's filters itself on what
 * it forwards.  tv_bpf_check() accepts exactly the programs the kernel
 * accepts in seccomp(SECCOMP_SET_MODE_FILTER) (kernel/seccomp.c
 * seccomp_check_filter() on top of net/core/filter.c bpf_check_classic());
 * tv_bpf_run() computes what the kernel would return for them.
 *
 * Pure code: no libc, no globals, no allocation.  It compiles into the
 * freestanding monitor and into hosted tests. */
#ifndef TV_BPF_H
#define TV_BPF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* 0 if the kernel would accept prog as a seccomp filter, else -22 (-EINVAL).
 * Uses about 8 KiB of stack (one mask per instruction, as the kernel's
 * load/store analysis does). */
int tv_bpf_check(const struct sock_filter *prog, size_t len);

/* The SECCOMP_RET_* value prog returns for data, after checking it: a
 * program that fails tv_bpf_check() gives SECCOMP_RET_KILL_PROCESS (the
 * kernel would never have installed it). */
uint32_t tv_bpf_run(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *data);

/* The same without the check, for a program that already passed
 * tv_bpf_check() (e.g. when it was installed), so each call costs only the
 * instructions it executes.  It never reads out of bounds whatever prog
 * holds; for an unchecked program that the check would refuse, the result
 * is SECCOMP_RET_KILL_PROCESS where the fault is met, else unspecified. */
uint32_t tv_bpf_run_checked(const struct sock_filter *prog, size_t len,
			    const struct seccomp_data *data);

#endif
