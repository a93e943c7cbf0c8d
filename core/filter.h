/* The monitor's own seccomp filter.
 *
 * Shape (DESIGN.md section 4), in this order because the order is speed:
 *   1. a foreign audit arch traps (never ALLOW: x86_64 int 0x80 calls are
 *      AUDIT_ARCH_I386 and would otherwise bypass the monitor);
 *   2. a number with any nr_trap_mask bit traps (the x32 bit on x86_64);
 *   3. a balanced binary search over the ranges of the intercept set: a
 *      number outside it is ALLOWed having looked at nr alone, so the
 *      kernel's action cache makes it free;
 *   4. a number inside it is ALLOWed from one of the allowed instruction
 *      addresses (the monitor's own syscall instruction), else TRAPs.
 *
 * Pure code: no libc, no globals, no allocation. */
#ifndef TV_FILTER_H
#define TV_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

/* The monitor's generic syscall instruction, its clone stub's, and its
 * kernel threads' interruptible one. */
#define TV_FILTER_MAX_IPS 3

struct tv_filter_spec {
	uint32_t audit_arch;    /* AUDIT_ARCH_X86_64 or AUDIT_ARCH_AARCH64 */
	/* A syscall number with any of these bits set traps (x86_64:
	 * __X32_SYSCALL_BIT so x32 calls never bypass the monitor); 0 on
	 * aarch64. */
	uint32_t nr_trap_mask;
	/* Syscall numbers to intercept, any order, duplicates allowed, each
	 * >= 0; ignored if all_nrs. */
	const int *nrs;
	size_t n_nrs;
	int all_nrs;            /* 1: intercept every number */
	/* seccomp_data.instruction_pointer values (the address AFTER the
	 * syscall instruction) whose calls are always allowed. */
	uint64_t allowed_ip[TV_FILTER_MAX_IPS];
	int n_ips;              /* 1 to TV_FILTER_MAX_IPS */
};

/* Writes the filter to out and returns its number of instructions, or -28
 * (-ENOSPC) if it does not fit in cap (or in BPF_MAXINSNS), or -22
 * (-EINVAL) on a bad spec (n_ips not 1 to TV_FILTER_MAX_IPS, a negative number, nrs NULL
 * with n_nrs > 0, audit_arch 0).  Building costs O(n_nrs^2) comparisons
 * and no memory besides out. */
long tv_filter_build(const struct tv_filter_spec *spec, struct sock_filter *out,
		     size_t cap);

#endif
