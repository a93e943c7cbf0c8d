/* The initial stack, laid out as fs/binfmt_elf.c does (high to low):
 * the execfn string, the environment strings, the argument strings,
 * the platform strings and the 16 AT_RANDOM bytes, then (16-byte aligned)
 * argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL. */
#include <linux/auxvec.h>
#include "stack.h"

static size_t str_size(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n + 1;
}

static size_t auxv_pairs(const uint64_t *av)
{
	size_t n = 0;
	while (av[2 * n] != AT_NULL)
		n++;
	return n;
}

size_t tv_stack_size(const struct tv_stack_spec *s)
{
	size_t n = str_size(s->execfn) + 16 + 2 * 64 + 64;	/* random, platforms, slack */
	for (int i = 0; i < s->argc; i++)
		n += str_size(s->argv[i]);
	for (int i = 0; i < s->envc; i++)
		n += str_size(s->envp[i]);
	n += (size_t)(1 + s->argc + 1 + s->envc + 1) * 8;
	n += (auxv_pairs(s->kernel_auxv) + 8) * 16;
	return n + 32;
}

/* Copy a string to just below *top; returns its new address. */
static char *push_str(char **top, const char *src)
{
	size_t n = str_size(src);
	*top -= n;
	for (size_t i = 0; i < n; i++)
		(*top)[i] = src[i];
	return *top;
}

/* Platform strings are short; a longer one is dropped rather than
 * trusted. */
static uint64_t push_platform(char **top, uint64_t addr)
{
	const char *p = (const char *)(uintptr_t)addr;
	if (!p || str_size(p) > 64)
		return 0;
	return (uint64_t)(uintptr_t)push_str(top, p);
}

static uint64_t guest_value(const struct tv_stack_spec *s, uint64_t type, uint64_t v,
			    uint64_t execfn, uint64_t random, uint64_t plat, uint64_t bplat)
{
	switch (type) {
	case AT_PHDR: return s->phdr;
	case AT_PHENT: return s->phent;
	case AT_PHNUM: return s->phnum;
	case AT_ENTRY: return s->entry;
	case AT_BASE: return s->base;
	case AT_EXECFN: return execfn;
	case AT_RANDOM: return random;
	case AT_PLATFORM: return plat;
	case AT_BASE_PLATFORM: return bplat;
	}
	return v;
}

uintptr_t tv_stack_build(char *lo, char *hi, const struct tv_stack_spec *s)
{
	if ((size_t)(hi - lo) < tv_stack_size(s))
		return 0;

	char *top = hi;
	uint64_t execfn = (uint64_t)(uintptr_t)push_str(&top, s->execfn);
	/* Pushed last to first, the strings end up in order and contiguous,
	 * as the kernel leaves them (setproctitle-style code relies on it). */
	for (int i = s->envc - 1; i >= 0; i--)
		push_str(&top, s->envp[i]);
	for (int i = s->argc - 1; i >= 0; i--)
		push_str(&top, s->argv[i]);
	char *strings = top;

	uint64_t random = 0, plat = 0, bplat = 0;
	const uint64_t *av = s->kernel_auxv;
	size_t npairs = auxv_pairs(av);
	for (size_t i = 0; i < npairs; i++) {
		uint64_t type = av[2 * i], v = av[2 * i + 1];
		if (type == AT_PLATFORM)
			plat = push_platform(&top, v);
		else if (type == AT_BASE_PLATFORM)
			bplat = push_platform(&top, v);
		else if (type == AT_RANDOM && v) {
			top -= 16;
			for (int j = 0; j < 16; j++)
				top[j] = ((const char *)(uintptr_t)v)[j];
			random = (uint64_t)(uintptr_t)top;
		}
	}

	/* The pointer block: argc, argv, NULL, envp, NULL, auxv, AT_NULL
	 * (a hidden vDSO's pair leaves a slot unused). */
	size_t words = 1 + (size_t)s->argc + 1 + (size_t)s->envc + 1 + 2 * (npairs + 1);
	uintptr_t sp = ((uintptr_t)top - words * 8) & ~15ul;
	uint64_t *w = (uint64_t *)sp;
	*w++ = (uint64_t)s->argc;
	for (int i = 0; i < s->argc; i++, strings += str_size(strings))
		*w++ = (uint64_t)(uintptr_t)strings;
	*w++ = 0;
	for (int i = 0; i < s->envc; i++, strings += str_size(strings))
		*w++ = (uint64_t)(uintptr_t)strings;
	*w++ = 0;
	for (size_t i = 0; i < npairs; i++) {
		uint64_t type = av[2 * i];
		if (type == AT_SYSINFO_EHDR && s->hide_vdso)
			continue;
		*w++ = type;
		*w++ = guest_value(s, type, av[2 * i + 1], execfn, random, plat, bplat);
	}
	*w++ = AT_NULL;
	*w = 0;
	return sp;
}
