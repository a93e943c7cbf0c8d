/* auxv: the initial stack in detail, as fs/binfmt_elf.c builds it.
 *
 * - the sorted set of auxv tags (the kernel's set must be passed through);
 * - per-machine constants (hwcaps, platform, AT_MINSIGSTKSZ): same natively
 *   and monitored on one machine, so printing them is deterministic;
 * - the layout: argv strings, then env strings, then the AT_EXECFN string are
 *   contiguous and ascending at the top of the stack (setproctitle-style code
 *   relies on it); AT_RANDOM and AT_PLATFORM lie below them, the pointer
 *   arrays below those;
 * - the vDSO behind AT_SYSINFO_EHDR is an ELF image;
 * - pthread_getattr_np() on the main thread describes a stack holding main's
 *   locals (glibc reads /proc/self/maps for this; musl probes with mremap
 *   up from the page above auxv, so argv strings may lie outside it). */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static const char *ok(int b)
{
	return b ? "ok" : "bad";
}

static int cmpul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv, char **envp)
{
	char **e = envp;
	int nenv = 0;

	while (*e)
		e++, nenv++;
	const ElfW(auxv_t) *av = (const ElfW(auxv_t) *)(e + 1);

	unsigned long tags[128];
	int ntags = 0, dup = 0;
	for (const ElfW(auxv_t) *a = av; a->a_type != AT_NULL && ntags < 128; a++)
		tags[ntags++] = a->a_type;
	qsort(tags, ntags, sizeof tags[0], cmpul);
	printf("auxv tags:");
	for (int i = 0; i < ntags; i++) {
		printf(" %lu", tags[i]);
		if (i && tags[i] == tags[i - 1])
			dup = 1;
	}
	printf("\nduplicate tags: %s\n", dup ? "yes" : "no");

	/* from the stack: glibc's getauxval(AT_HWCAP) is its own value on x86 */
	for (const ElfW(auxv_t) *a = av; a->a_type != AT_NULL; a++)
		if (a->a_type == AT_HWCAP || a->a_type == AT_HWCAP2)
			printf("AT_HWCAP%s=%#lx\n", a->a_type == AT_HWCAP ? "" : "2",
			       (unsigned long)a->a_un.a_val);
#ifdef AT_MINSIGSTKSZ
	printf("AT_MINSIGSTKSZ=%lu\n", getauxval(AT_MINSIGSTKSZ));
#endif
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	printf("AT_PLATFORM=%s\n", plat ? plat : "(none)");
	printf("AT_FLAGS=%lu\n", getauxval(AT_FLAGS));
	printf("AT_NOTELF=%lu\n", getauxval(AT_NOTELF));

	const unsigned char *vdso = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	printf("vDSO is ELF: %s\n", ok(vdso && memcmp(vdso, ELFMAG, SELFMAG) == 0));

	/* 16 random bytes: readable and not all zero. */
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nz = 0;
	for (int i = 0; rnd && i < 16; i++)
		nz |= rnd[i];
	printf("AT_RANDOM bytes nonzero: %s\n", ok(nz != 0));

	/* String area layout. */
	int contig = 1;
	for (int i = 0; i + 1 < argc; i++)
		if (argv[i + 1] != argv[i] + strlen(argv[i]) + 1)
			contig = 0;
	printf("argv strings contiguous: %s\n", ok(contig));
	contig = 1;
	for (int i = 0; i + 1 < nenv; i++)
		if (envp[i + 1] != envp[i] + strlen(envp[i]) + 1)
			contig = 0;
	printf("env strings contiguous: %s\n", ok(contig));
	char *strend = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	if (nenv) {
		printf("env strings follow argv strings: %s\n", ok(envp[0] == strend));
		strend = envp[nenv - 1] + strlen(envp[nenv - 1]) + 1;
	}
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	printf("AT_EXECFN follows env strings: %s\n", ok(execfn == strend));
	printf("AT_RANDOM below strings: %s\n", ok((uintptr_t)rnd < (uintptr_t)argv[0]));
	printf("AT_PLATFORM below strings: %s\n",
	       ok(plat && (uintptr_t)plat < (uintptr_t)argv[0]));
	printf("pointer arrays below AT_RANDOM: %s\n",
	       ok((uintptr_t)(av + ntags) < (uintptr_t)rnd));
	printf("envp==argv+argc+1: %s\n", ok(envp == argv + argc + 1));

	/* Main thread's stack as the libc sees it. */
	pthread_attr_t attr;
	void *addr;
	size_t size;
	volatile int local = 0;
	if (pthread_getattr_np(pthread_self(), &attr) == 0 &&
	    pthread_attr_getstack(&attr, &addr, &size) == 0) {
		uintptr_t lo = (uintptr_t)addr, p = (uintptr_t)&local;
		printf("main stack from pthread_getattr_np holds locals: %s\n",
		       ok(p >= lo && p < lo + size));
		pthread_attr_destroy(&attr);
	} else {
		printf("pthread_getattr_np failed\n");
	}
	return local;
}
