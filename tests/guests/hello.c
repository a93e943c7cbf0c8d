/* hello: argv, one environment variable and the basic auxv facts a loader
 * must get right.  Prints only values that are the same on every run.
 *
 * The auxv is read twice: by walking the initial stack (after envp's NULL)
 * and with getauxval(); both must agree.  AT_PHDR is checked against the
 * program's own ELF header (__ehdr_start, provided by GNU ld) and against
 * dl_iterate_phdr; AT_ENTRY against _start (from crt1.o). */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern const ElfW(Ehdr) __ehdr_start;
extern char _start[] __attribute__((weak));

static const ElfW(auxv_t) *auxv;

static int walk(unsigned long type, unsigned long *val)
{
	for (const ElfW(auxv_t) *a = auxv; a->a_type != AT_NULL; a++)
		if (a->a_type == type) {
			*val = a->a_un.a_val;
			return 1;
		}
	return 0;
}

/* Value from the stack walk; also checks it against getauxval(). */
static unsigned long aux(unsigned long type, int *mismatch)
{
	unsigned long v = 0;
	int found = walk(type, &v);
	if (getauxval(type) != (found ? v : 0))
		(*mismatch)++;
	return v;
}

static const char *yn(int b)
{
	return b ? "yes" : "no";
}

struct phdr_search {
	uintptr_t phdr;
	int found;
};

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct phdr_search *s = data;
	(void)size;
	if ((uintptr_t)info->dlpi_phdr == s->phdr)
		s->found = 1;
	return 0;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int main(int argc, char **argv, char **envp)
{
	char **e = envp;
	int mismatch = 0;

	while (*e)
		e++;
	auxv = (const ElfW(auxv_t) *)(e + 1);

	printf("hello: argc=%d\n", argc);
	printf("argv[0] basename=%s\n", base(argv[0]));
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	if (argv[argc] != NULL)
		printf("argv not NULL-terminated\n");

	const char *v = getenv("TVISOR_TEST_VAR");
	printf("TVISOR_TEST_VAR=%s\n", v ? v : "(unset)");
	v = getenv("LC_ALL");
	printf("LC_ALL=%s\n", v ? v : "(unset)");

	unsigned long pagesz = aux(AT_PAGESZ, &mismatch);
	printf("AT_PAGESZ==sysconf: %s\n", yn(pagesz == (unsigned long)sysconf(_SC_PAGESIZE)));
	printf("AT_RANDOM nonzero: %s\n", yn(aux(AT_RANDOM, &mismatch) != 0));
	printf("AT_SYSINFO_EHDR nonzero: %s\n", yn(aux(AT_SYSINFO_EHDR, &mismatch) != 0));

	const char *execfn = (const char *)aux(AT_EXECFN, &mismatch);
	printf("AT_EXECFN basename=%s\n", execfn ? base(execfn) : "(none)");

	uintptr_t phdr = aux(AT_PHDR, &mismatch);
	unsigned long phent = aux(AT_PHENT, &mismatch);
	unsigned long phnum = aux(AT_PHNUM, &mismatch);
	const ElfW(Ehdr) *eh = &__ehdr_start;
	printf("AT_PHDR==own headers: %s\n",
	       phdr == (uintptr_t)eh + eh->e_phoff ? "ok" : "bad");
	printf("AT_PHENT/AT_PHNUM==ehdr: %s\n",
	       phent == eh->e_phentsize && phnum == eh->e_phnum ? "ok" : "bad");

	struct phdr_search s = { phdr, 0 };
	dl_iterate_phdr(phdr_cb, &s);
	printf("AT_PHDR in dl_iterate_phdr: %s\n", s.found ? "ok" : "bad");

	/* Where main is must be inside a PT_LOAD of these headers. */
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)phdr;
	uintptr_t bias = 0;
	for (unsigned long i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0) {
			bias = (uintptr_t)eh - ph[i].p_vaddr;
			break;
		}
	int in_load = 0;
	uintptr_t mainaddr = (uintptr_t)&main;
	for (unsigned long i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_LOAD && mainaddr >= bias + ph[i].p_vaddr &&
		    mainaddr < bias + ph[i].p_vaddr + ph[i].p_memsz)
			in_load = 1;
	printf("main inside a PT_LOAD: %s\n", in_load ? "ok" : "bad");

	unsigned long entry = aux(AT_ENTRY, &mismatch);
	printf("AT_ENTRY==e_entry+bias: %s\n",
	       entry == bias + eh->e_entry ? "ok" : "bad");
	if (_start)
		printf("AT_ENTRY==_start: %s\n",
		       entry == (uintptr_t)_start ? "ok" : "bad");

	printf("AT_BASE nonzero: %s\n", yn(aux(AT_BASE, &mismatch) != 0));
	printf("AT_SECURE=%lu\n", aux(AT_SECURE, &mismatch));
	printf("AT_CLKTCK==sysconf: %s\n",
	       yn(aux(AT_CLKTCK, &mismatch) == (unsigned long)sysconf(_SC_CLK_TCK)));
	printf("AT_UID/AT_EUID/AT_GID/AT_EGID match: %s\n",
	       yn(aux(AT_UID, &mismatch) == getuid() && aux(AT_EUID, &mismatch) == geteuid() &&
		  aux(AT_GID, &mismatch) == getgid() && aux(AT_EGID, &mismatch) == getegid()));
	printf("stack walk==getauxval: %s\n", mismatch ? "bad" : "ok");
	return 0;
}
