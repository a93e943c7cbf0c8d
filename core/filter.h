/* The monitor's own seccomp filter.
 *
 * Shape (DESIGN.md section 4), in this order because the order is speed:
 *   1. a foreign audit arch traps (never ALLOW: x86_64 int 0x80 calls are
 *      AUDIT_ARCH_I386 and would otherwise bypass the monitor);
 *   2. a number with any nr_trap_mask bit traps (the x32 bit on x86_64);
 *   3. a balanced binary search over the ranges of the intercept set: a
 *      number outside it is ALLOWed having looked at nr alone, so the
 *      kernel's action cache makes it free; the search also tells the
 *      guarded numbers from the others, so those pay nothing for guards;
 *   4. an intercepted number is ALLOWed from one of the allowed
 *      instruction addresses (the monitor's own syscall instruction), else
 *      TRAPs;
 *   5. a guarded number is ALLOWed from an allowed address too, else it is
 *      dispatched on nr to its argument test: ALLOWed when its arguments
 *      provably cannot touch the monitor's memory [guard_lo, guard_hi),
 *      else TRAPped for the monitor to check exactly;
 *   6. before either TRAPs, the boot call is ALLOWed from any address:
 *      number boot_nr (mmap) with args[0] == boot_addr and none of
 *      boot_flags (MAP_FIXED) in args[3].  A monitor just executed, not
 *      yet at the allowed addresses, maps its place with it (place.c);
 *      for anyone else the monitor is there already, and without
 *      MAP_FIXED the kernel replaces nothing.
 *
 * The argument test sees only 32-bit words, so it is conservative: with
 * a = args[0], len = args[1], [a, a + len) provably misses [lo, hi) when
 * len < 2^32 and either
 *   - a >> 32 < (lo >> 32) - 1 (so a + len < lo; never when lo < 2^33), or
 *   - (hi - 1) >> 32 < a >> 32 and a < 2^56 (so a >= hi).
 * The 2^56 ceiling is there because the kernel untags the address of
 * munmap, mprotect, madvise and mremap (the top byte on aarch64 with the
 * tagged address ABI, bits 57-62 with x86 LAM): a tagged address above hi
 * may land inside [lo, hi) once untagged.  Untagged user addresses are all
 * below 2^56, and untagging never raises an address into [lo, hi) from
 * below, so the first case needs no ceiling.
 *
 * Pure code: no libc, no globals, no allocation. */
#ifndef TV_FILTER_H
#define TV_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

/* The monitor's generic syscall instruction, its clone stub's, and the
 * guest call window's (tv_icall). */
#define TV_FILTER_MAX_IPS 3

/* Few enough that every jump of the argument tests fits in 8 bits. */
#define TV_FILTER_MAX_GUARDS 16

/* How a guarded call's arguments are judged (args[0] = address, args[1] =
 * length). */
enum tv_guard_kind {
	TV_GUARD_RANGE = 1,     /* mmap, munmap, mprotect...: trap iff [a, a+len) may touch [lo, hi) */
	TV_GUARD_FLAG_OR_RANGE, /* mremap: trap if args[flag_arg] & flag_mask, else as RANGE */
};

struct tv_filter_guard {
	int nr;
	enum tv_guard_kind kind;
	int flag_arg;           /* 0..5, for TV_GUARD_FLAG_OR_RANGE */
	uint32_t flag_mask;     /* tested against the low 32 bits of that argument */
};

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
	/* Numbers among nrs judged by their arguments, each at most once, up
	 * to TV_FILTER_MAX_GUARDS, tested in this order (put the most frequent
	 * first); ignored if all_nrs. */
	const struct tv_filter_guard *guards;
	size_t n_guards;
	uint64_t guard_lo, guard_hi;    /* the monitor's memory, [lo, hi) */
	/* The boot call (6. above); boot_addr 0: none. */
	uint64_t boot_addr;
	int boot_nr;
	uint32_t boot_flags;
};

/* Writes the filter to out and returns its number of instructions, or -28
 * (-ENOSPC) if it does not fit in cap (or in BPF_MAXINSNS), or -22
 * (-EINVAL) on a bad spec: n_ips not 1 to TV_FILTER_MAX_IPS, a negative
 * number or boot_nr (with a boot_addr), nrs NULL with n_nrs > 0, audit_arch 0; and unless all_nrs, for
 * n_guards > 0: guards NULL, more than TV_FILTER_MAX_GUARDS, a guarded
 * number not in nrs or listed twice, an unknown kind, a flag_arg not 0..5
 * for a flag kind, guard_lo >= guard_hi.  Building costs
 * O(n_nrs * (n_nrs + n_guards)) comparisons and no memory besides out. */
long tv_filter_build(const struct tv_filter_spec *spec, struct sock_filter *out,
		     size_t cap);

#endif
