/* aarch64: the rewrite tier's per-thread save area (struct tv_rw, the
 * first member of struct tv_thread), told once for entry.S and C.  The
 * stub path finds it through a table keyed by the thread pointer
 * (TPIDR_EL0), which the guest owns: arch/aarch64/rewrite.c. */
#ifndef TV_AARCH64_REWRITE_H
#define TV_AARCH64_REWRITE_H

#define TV_RW_MAGIC	0x72777674	/* "tvwr": a thread's save area */

#define RW_MAGIC	0	/* TV_RW_MAGIC while the thread may take the stub path */
#define RW_STACK	8	/* where the stub path's stack starts */
#define RW_RET		16	/* the guest's address after its svc */
#define RW_NZCV		24	/* the guest's flags */
#define RW_SP		32	/* the guest's sp */
#define RW_X0		40	/* x0..x30, 8 bytes each: in, the call; out, x0 the result */
#define RW_TAIL		288	/* the stub's way back to the guest */
#define RW_NPENDING	304	/* struct tv_thread's npending follows struct tv_rw */

/* The table of thread pointers: entries of { key, struct tv_thread * }. */
#define RW_KEYS		1024	/* a power of two */
#define RW_PROBES	8

#endif
