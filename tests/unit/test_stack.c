/* Hosted unit test of core/stack.c: the initial stack must read back as
 * the kernel's would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/auxvec.h>
#include "stack.h"

static int failures;

static void check(int ok, const char *name)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", name);
	failures += !ok;
}

int main(void)
{
	static char random_bytes[16] = "0123456789abcdef";
	char *argv[] = { "prog", "a b", "", "last" };
	char *envp[] = { "A=1", "PATH=/bin" };
	uint64_t kauxv[] = {
		AT_PHDR, 1, AT_PHENT, 2, AT_PHNUM, 3, AT_PAGESZ, 4096, AT_BASE, 5, AT_ENTRY, 6,
		AT_RANDOM, (uint64_t)(uintptr_t)random_bytes, AT_PLATFORM, (uint64_t)(uintptr_t)"x86_64",
		AT_EXECFN, 7, AT_HWCAP, 0xabc, AT_SYSINFO_EHDR, 0x7fff0000, AT_NULL, 0,
	};
	struct tv_stack_spec s = {
		.argv = argv, .argc = 4, .envp = envp, .envc = 2, .execfn = "/bin/prog",
		.kernel_auxv = kauxv, .phdr = 0x1040, .phent = 56, .phnum = 9, .entry = 0x1100,
		.base = 0x7000,
	};
	size_t size = tv_stack_size(&s);
	char *buf = malloc(size + 64);
	check(tv_stack_build(buf, buf + 10, &s) == 0, "too-small-area-refused");

	uintptr_t sp = tv_stack_build(buf, buf + size + 64, &s);
	check(sp != 0 && sp % 16 == 0, "sp-aligned");
	check(sp >= (uintptr_t)buf, "within-area");
	uint64_t *w = (uint64_t *)sp;
	check(w[0] == 4, "argc");
	int ok = 1;
	for (int i = 0; i < 4; i++)
		ok &= strcmp((char *)(uintptr_t)w[1 + i], argv[i]) == 0;
	check(ok && w[5] == 0, "argv");
	check(!strcmp((char *)(uintptr_t)w[6], "A=1") && !strcmp((char *)(uintptr_t)w[7], "PATH=/bin") &&
		      w[8] == 0, "envp");
	/* Strings contiguous: argv[0] .. envp[last], as the kernel leaves them. */
	check((char *)(uintptr_t)w[2] == (char *)(uintptr_t)w[1] + 5 &&
		      (char *)(uintptr_t)w[6] == (char *)(uintptr_t)w[4] + 5, "strings-contiguous");
	uint64_t *av = w + 9;
	uint64_t got[64] = { 0 };
	int n = 0;
	for (; av[2 * n] != AT_NULL; n++)
		if (av[2 * n] < 64)
			got[av[2 * n]] = av[2 * n + 1];
	check(n == 11, "auxv-count-kept");
	check(got[AT_SYSINFO_EHDR] == 0x7fff0000, "vdso-kept");
	check(got[AT_PHDR] == 0x1040 && got[AT_PHENT] == 56 && got[AT_PHNUM] == 9 &&
		      got[AT_ENTRY] == 0x1100 && got[AT_BASE] == 0x7000, "auxv-guest-values");
	check(got[AT_PAGESZ] == 4096 && got[AT_HWCAP] == 0xabc, "auxv-kernel-values-kept");
	check(got[AT_RANDOM] != (uint64_t)(uintptr_t)random_bytes &&
		      !memcmp((void *)(uintptr_t)got[AT_RANDOM], random_bytes, 16), "at-random-copied");
	check(!strcmp((char *)(uintptr_t)got[AT_PLATFORM], "x86_64"), "at-platform-copied");
	check(!strcmp((char *)(uintptr_t)got[AT_EXECFN], "/bin/prog"), "at-execfn");
	check(got[AT_EXECFN] > got[AT_RANDOM] && (char *)(uintptr_t)got[AT_EXECFN] < buf + size + 64,
	      "execfn-at-top");

	/* --no-vdso: the same stack without AT_SYSINFO_EHDR, nothing else lost. */
	s.hide_vdso = 1;
	sp = tv_stack_build(buf, buf + size + 64, &s);
	av = (uint64_t *)sp + 9;
	int vdso = 0;
	for (n = 0; av[2 * n] != AT_NULL; n++)
		vdso |= av[2 * n] == AT_SYSINFO_EHDR;
	check(sp != 0 && n == 10 && !vdso, "vdso-hidden");
	free(buf);
	return failures != 0;
}
