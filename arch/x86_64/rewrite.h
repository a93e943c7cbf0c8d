/* x86_64: the rewrite tier's per-thread save area (struct tv_rw, the
 * first member of struct tv_thread), told once for entry.S and C.  The
 * stub path finds it through the GS base, which the monitor owns on every
 * guest thread (x86_64 Linux libcs use only FS). */
#ifndef TV_X86_64_REWRITE_H
#define TV_X86_64_REWRITE_H

#define TV_RW_MAGIC	0x72777674	/* "tvwr": the GS base is a thread's */

/* rflags bits only popfq restores. */
#define X86_TF		0x100
#define X86_DF		0x400
#define X86_AC		0x40000

#define RW_MAGIC	0	/* TV_RW_MAGIC while the GS base is the monitor's */
#define RW_STACK	8	/* where the stub path's stack starts */
#define RW_RET		16	/* the guest's address after its syscall instruction */
#define RW_FLAGS	24	/* the guest's rflags */
#define RW_SP		32	/* the guest's rsp */
#define RW_RAX		40	/* in: the number; out: the result */
#define RW_RBX		48
#define RW_RDX		56
#define RW_RSI		64
#define RW_RDI		72
#define RW_RBP		80
#define RW_R8		88
#define RW_R9		96
#define RW_R10		104
#define RW_R12		112
#define RW_R13		120
#define RW_R14		128
#define RW_R15		136
#define RW_NPENDING	144	/* struct tv_thread's npending follows struct tv_rw */

#endif
