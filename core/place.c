/* The monitor places itself.  It is a static PIE, which the kernel maps
 * wherever its mmap area is, among the guest's usual addresses; it moves
 * itself to one place kept for it, found from the top of the user
 * address space at start, so that the same binary serves every VA size
 * (47 and 48 bits, or 39 on many arm64 boards).
 *
 * The default place is an eighth of the way up: far above 0x400000 and
 * below a guest's PIE (two thirds up), its mmap area and its stack (at
 * the top).  configure --image-base, TVISOR_IMAGE_BASE in the first
 * monitor's environment (for tests) or --tv-base (from the monitor that
 * executes a guest's execve, exec.c) names another.
 *
 * Every monitor of a process, also after its guest's execve, must sit at
 * the same place: the filter allows its calls by instruction address and
 * guards its memory by range.  A monitor just executed runs where the
 * kernel put it, outside the filter's addresses; the filter lets through
 * the one call that maps its place (filter.h, boot_addr), then it copies
 * itself there and makes every other call from there. */
#include <linux/elf.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/mman.h>
#include "monitor.h"
#include "xstate.h"

#ifndef TV_IMAGE_BASE
#define TV_IMAGE_BASE 0		/* configure --image-base: auto */
#endif
#define EXIT_NOROOM 127

/* Hidden: reached PC-relatively, before the GOT holds relocated values. */
extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern const Elf64_Dyn _DYNAMIC[] __attribute__((visibility("hidden")));

/* Applies the image's relocations for the copy at base to.  The linker
 * made the image all PC-relative except the pointers in its data, and the
 * build checks that their relocations are all RELATIVE (Makefile.in).
 * Runs before anything is relocated: it may use nothing but PC-relative
 * addresses, and calls nothing. */
static __attribute__((no_stack_protector, no_instrument_function)) void
relocate(uintptr_t to)
{
	uintptr_t self = (uintptr_t)&__ehdr_start;	/* linked at 0 (-pie) */
	const Elf64_Rela *rela = NULL;
	size_t size = 0;

	for (const Elf64_Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_RELA)
			rela = (const Elf64_Rela *)(self + d->d_un.d_ptr);
		else if (d->d_tag == DT_RELASZ)
			size = d->d_un.d_val;
	}
	for (size_t i = 0; i < size / sizeof *rela; i++)
		*(uint64_t *)(to + rela[i].r_offset) = to + (uint64_t)rela[i].r_addend;
}

static const Elf64_Phdr *phdrs(void)
{
	return (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
}

/* The image's extent from its start, in whole pages. */
static size_t image_span(void)
{
	uintptr_t end = 0;

	for (int i = 0; i < __ehdr_start.e_phnum; i++) {
		const Elf64_Phdr *p = &phdrs()[i];
		if (p->p_type == PT_LOAD && p->p_vaddr + p->p_memsz > end)
			end = p->p_vaddr + p->p_memsz;
	}
	return (end + TV_PAGE - 1) & ~(TV_PAGE - 1);
}

/* The end of the user address space: the kernel puts the initial stack
 * just below it, and it is a power of two (2^39, 2^42, 2^47, 2^48...). */
uintptr_t tv_va_top(uintptr_t sp)
{
	uintptr_t top = 1ul << 32;

	while (top <= sp)
		top <<= 1;
	return top;
}

uintptr_t tv_image_base(void)
{
	return (uintptr_t)&__ehdr_start;
}

static __attribute__((noreturn)) void no_room(uintptr_t base, const char *why)
{
	tv_dprintf(2, "%s: no room for the monitor at 0x%lx: %s\n", tv_tool.name, base, why);
	tv_exit_group(EXIT_NOROOM);
}

/* Where to go: the executing monitor's place, the tester's, configure's,
 * or an eighth of the address space. */
static uintptr_t wanted_base(int argc, char **argv, char **envp, uintptr_t top)
{
	unsigned long v = TV_IMAGE_BASE;
	const char *s = NULL;

	if (argc > 2 && !tv_strcmp(argv[1], TV_XSTATE_BASE))
		s = argv[2];
	for (; !s && *envp; envp++)
		if (!tv_strncmp(*envp, TV_ENV_BASE, sizeof TV_ENV_BASE - 1))
			s = *envp + sizeof TV_ENV_BASE - 1;
	if (s && tv_parse_ulong(s, &v)) {
		tv_dprintf(2, "%s: the monitor's place '%s' is not a number\n", tv_tool.name, s);
		tv_exit_group(EXIT_NOROOM);
	}
	return v ? v : top / 8;
}

/* Copies the image to base, where nothing may be yet: MAP_FIXED_NOREPLACE
 * replaces nothing (and is what the filter's boot call allows), and
 * relocates the copy there. */
static void copy_to(uintptr_t base, size_t span, uintptr_t top)
{
	if (base & (TV_PAGE - 1))
		no_room(base, "not page-aligned");
	if (base >= top || span > top - base)
		no_room(base, "above the top of the address space");
	if (tv_arena_size(top) > top - base - span)
		no_room(base, "no room for its arena below the top of the address space");
	/* Writable to be copied and relocated, executable to run: made
	 * right from there (tv_place_settle), when calls are allowed. */
	long r = (long)tv_mmap((void *)base, span, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (r == -EEXIST || (!tv_is_err(r) && (uintptr_t)r != base))
		no_room(base, "the place is taken");
	if (tv_is_err(r))
		no_room(base, tv_errno_name((int)-r) ? tv_errno_name((int)-r) : "mmap failed");
	uintptr_t self = (uintptr_t)&__ehdr_start;
	for (int i = 0; i < __ehdr_start.e_phnum; i++) {
		const Elf64_Phdr *p = &phdrs()[i];
		if (p->p_type == PT_LOAD)
			memcpy((void *)(base + p->p_vaddr), (const void *)(self + p->p_vaddr),
			       p->p_filesz);
	}
	relocate(base);
	/* Code written as data: arm64 needs its caches made coherent. */
	__builtin___clear_cache((char *)base, (char *)base + span);
}

/* From _start: relocated where the kernel put it, the monitor copies
 * itself to its place and goes on there, in tv_main.  Nothing here may
 * write data that tv_main should find: the copy is made before. */
__attribute__((noreturn)) void tv_start(uintptr_t *sp)
{
	uintptr_t self = (uintptr_t)&__ehdr_start;

	relocate(self);
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	uintptr_t top = tv_va_top((uintptr_t)sp);
	uintptr_t base = wanted_base(argc, argv, argv + argc + 1, top);
	copy_to(base, image_span(), top);
	void (*next)(uintptr_t *, uintptr_t) = tv_main;
	next = (void (*)(uintptr_t *, uintptr_t))((uintptr_t)next - self + base);
	next(sp, self);
	__builtin_unreachable();
}

/* The pages of segment p of the image at base. */
static void pages(const Elf64_Phdr *p, uintptr_t base, uintptr_t *lo, uintptr_t *hi)
{
	*lo = (base + p->p_vaddr) & ~(TV_PAGE - 1);
	*hi = (base + p->p_vaddr + p->p_memsz + TV_PAGE - 1) & ~(TV_PAGE - 1);
}

/* In the copy: the kernel's image goes (its segments only: the kernel may
 * have put the vDSO between them), each segment gets its own protection,
 * the read-only ones are mapped again from the file (so that processes
 * share them and /proc/self/maps names the binary; identical bytes, so
 * replacing the code being run is harmless), and the relocated pointers
 * become read-only (PT_GNU_RELRO). */
void tv_place_settle(uintptr_t old)
{
	uintptr_t base = (uintptr_t)&__ehdr_start, lo, hi;
	uintptr_t end = base;	/* of the segments so far (PT_LOADs are in order) */
	int fd = (int)tv_sys4(__NR_openat, AT_FDCWD, (long)"/proc/self/exe", O_RDONLY | O_CLOEXEC, 0);

	for (int i = 0; i < __ehdr_start.e_phnum; i++) {
		const Elf64_Phdr *p = &phdrs()[i];
		int prot = (p->p_flags & PF_R ? PROT_READ : 0) | (p->p_flags & PF_W ? PROT_WRITE : 0) |
			   (p->p_flags & PF_X ? PROT_EXEC : 0);
		if (p->p_type != PT_LOAD)
			continue;
		pages(p, old, &lo, &hi);
		tv_munmap((void *)lo, hi - lo);
		pages(p, base, &lo, &hi);
		/* The space between segments (alignment) stays the monitor's,
		 * inaccessible. */
		if (lo > end)
			tv_sys3(__NR_mprotect, (long)end, (long)(lo - end), PROT_NONE);
		end = hi;
		if (fd >= 0 && !(p->p_flags & PF_W) && p->p_filesz == p->p_memsz)
			tv_mmap((void *)lo, hi - lo, prot, MAP_PRIVATE | MAP_FIXED, fd,
				(long)(p->p_offset & ~(TV_PAGE - 1)));
		else
			tv_sys3(__NR_mprotect, (long)lo, (long)(hi - lo), prot);
	}
	if (fd >= 0)
		tv_sys1(__NR_close, fd);
	for (int i = 0; i < __ehdr_start.e_phnum; i++) {
		const Elf64_Phdr *p = &phdrs()[i];
		lo = (base + p->p_vaddr) & ~(TV_PAGE - 1);
		hi = (base + p->p_vaddr + p->p_memsz) & ~(TV_PAGE - 1);
		if (p->p_type == PT_GNU_RELRO && hi > lo)
			tv_sys3(__NR_mprotect, (long)lo, (long)(hi - lo), PROT_READ);
	}
}
