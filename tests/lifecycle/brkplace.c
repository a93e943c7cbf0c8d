/* brkplace: where the program break starts.  After the bss for a program
 * with an ELF interpreter or of type ET_EXEC; for a program run without
 * one that is ET_DYN (a static-PIE, or ld.so run directly) the kernel
 * loads the program in the mmap area and moves the break down to
 * ELF_ET_DYN_BASE (fs/binfmt_elf.c), below the program.  Printed: which
 * side of the program's text the break is on (never addresses), and that
 * the break grows and its memory is writable. */
#include "../lifecycle/util.c"
#include <stdint.h>

int main(void)
{
	uintptr_t start = (uintptr_t)sbrk(0), text = (uintptr_t)&main;
	say("the break is %s the program's text", start < text ? "below" : "above");
	char *p = sbrk(1 << 20);
	int ok = p != (void *)-1 && (uintptr_t)p == start;
	if (ok) {
		memset(p, 1, 1 << 20);
		ok = (uintptr_t)sbrk(0) == start + (1 << 20);
	}
	say("sbrk(1 MiB) grows the break and its memory is writable: %s", yn(ok));
	return 0;
}
