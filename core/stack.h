/* The guest's initial stack, built as the kernel's execve builds it. */
#ifndef TV_STACK_H
#define TV_STACK_H

#include <stddef.h>
#include <stdint.h>

struct tv_stack_spec {
	char *const *argv;
	int argc;
	char *const *envp;
	int envc;
	const char *execfn;		/* AT_EXECFN's string */
	/* The monitor's own auxv, AT_NULL-terminated, each type at most once
	 * (as the kernel gives it). */
	const uint64_t *kernel_auxv;
	int hide_vdso;			/* leave AT_SYSINFO_EHDR out (--no-vdso) */
	/* What the guest's auxv says instead of the monitor's: */
	uint64_t phdr, phent, phnum, entry, base;
};

/* Writes strings, AT_RANDOM bytes, argc, argv, envp and auxv into
 * [lo, hi), which is memory at its final address.  Returns the initial
 * stack pointer (16-byte aligned, pointing at argc), or 0 if it does not
 * fit. */
uintptr_t tv_stack_build(char *lo, char *hi, const struct tv_stack_spec *s);

/* The bytes tv_stack_build needs at most for s. */
size_t tv_stack_size(const struct tv_stack_spec *s);

#endif
