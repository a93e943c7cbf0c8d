/* Hosted unit tests for core/elf.c: synthetic headers built in memory
 * for every rule, then real binaries from the system, cross-checked
 * against readelf and against the kernel's own auxv for this process.
 * Prints one "PASS: name" or "FAIL: name" line per check; exits 0 iff
 * nothing failed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf.h"

static int failures;

static void check(const char *name, int ok)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", name);
	if (!ok)
		failures++;
}

/* Like check() for a return code, saying what came back on failure. */
static void check_rc(const char *name, int got, int want)
{
	if (got != want)
		printf("FAIL: %s (got %d \"%s\", want %d \"%s\")\n", name, got,
		       tv_elf_strerror(got), want, tv_elf_strerror(want));
	else
		printf("PASS: %s\n", name);
	if (got != want)
		failures++;
}

/* ---- synthetic images ------------------------------------------------ */

#define PAGE 4096u
#define IMG_SIZE (1u << 20)     /* pretend file size of synthetic images */
#define PHOFF sizeof(Elf64_Ehdr)

/* Headers at the front of a buffer; the rest of the "file" is never
 * read by the parser, only its size matters. */
static unsigned char img[PHOFF + TV_ELF_MAX_PH_SIZE];

static void mk_ehdr(uint16_t type, uint64_t entry, uint16_t phnum)
{
	Elf64_Ehdr eh;

	memset(img, 0, sizeof img);
	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = type;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = entry;
	eh.e_phoff = PHOFF;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = phnum;
	memcpy(img, &eh, sizeof eh);
}

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)img;
}

static void set_ph(int i, uint32_t type, uint32_t flags, uint64_t off,
		   uint64_t vaddr, uint64_t filesz, uint64_t memsz,
		   uint64_t align)
{
	Elf64_Phdr ph = {
		.p_type = type, .p_flags = flags, .p_offset = off,
		.p_vaddr = vaddr, .p_paddr = vaddr, .p_filesz = filesz,
		.p_memsz = memsz, .p_align = align,
	};

	memcpy(img + PHOFF + (size_t)i * sizeof ph, &ph, sizeof ph);
}

static int parse_img(uint64_t file_size, uint64_t page, struct tv_elf *e)
{
	int rc = tv_elf_parse_ehdr(img, sizeof img, file_size, EM_X86_64, e);

	if (rc)
		return rc;
	return tv_elf_parse_phdrs(img + e->phoff,
				  (size_t)e->phnum * e->phentsize, file_size,
				  page, e);
}

/* A typical ld -z separate-code PIE: R, RX, R, RW (with bss). */
static void mk_pie(void)
{
	mk_ehdr(ET_DYN, 0x1100, 7);
	set_ph(0, PT_PHDR, PF_R, PHOFF, PHOFF, 7 * 56, 7 * 56, 8);
	set_ph(1, PT_INTERP, PF_R, 0x300, 0x300, 28, 28, 1);
	set_ph(2, PT_LOAD, PF_R, 0, 0, 0x600, 0x600, 0x1000);
	set_ph(3, PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x800, 0x800, 0x1000);
	set_ph(4, PT_LOAD, PF_R, 0x2000, 0x2000, 0x300, 0x300, 0x1000);
	set_ph(5, PT_LOAD, PF_R | PF_W, 0x2df0, 0x3df0, 0x220, 0x1234,
	       0x1000);
	set_ph(6, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
}

/* A static ET_EXEC at 0x400000, no PT_PHDR, no PT_GNU_STACK. */
static void mk_exec(void)
{
	mk_ehdr(ET_EXEC, 0x401000, 2);
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x2000, 0x2000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000,
	       0x1000);
}

static void test_ehdr(void)
{
	struct tv_elf e;
	unsigned char tiny[3] = { 0x7f, 'E', 'L' };

	mk_pie();
	check_rc("ehdr: valid PIE", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), 0);
	check("ehdr: fields", e.type == ET_DYN && e.entry == 0x1100 &&
	      e.phoff == PHOFF && e.phnum == 7 && e.phentsize == 56);
	check_rc("ehdr: empty file", tv_elf_parse_ehdr(img, 0, 0, EM_X86_64,
		 &e), -TV_ELF_ENOTELF);
	check_rc("ehdr: 3-byte file", tv_elf_parse_ehdr(tiny, sizeof tiny,
		 sizeof tiny, EM_X86_64, &e), -TV_ELF_ENOTELF);
	check_rc("ehdr: shebang", tv_elf_parse_ehdr("#!/bin/sh\n", 10, 10,
		 EM_X86_64, &e), -TV_ELF_ENOTELF);
	check_rc("ehdr: magic only", tv_elf_parse_ehdr(img, 40, 40, EM_X86_64,
		 &e), -TV_ELF_ETRUNC);
	check_rc("ehdr: 63 bytes", tv_elf_parse_ehdr(img, 63, 63, EM_X86_64,
		 &e), -TV_ELF_ETRUNC);

	img[1] = 'X';
	check_rc("ehdr: bad magic", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), -TV_ELF_ENOTELF);
	mk_pie();
	img[EI_CLASS] = ELFCLASS32;
	check_rc("ehdr: ELFCLASS32", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), -TV_ELF_ECLASS);
	mk_pie();
	img[EI_DATA] = ELFDATA2MSB;
	check_rc("ehdr: big-endian", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), -TV_ELF_ECLASS);
	mk_pie();
	img[EI_VERSION] = EV_NONE;
	check_rc("ehdr: EV_NONE", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), -TV_ELF_ECLASS);

	mk_pie();
	check_rc("ehdr: x86_64 file, aarch64 wanted",
		 tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE, EM_AARCH64, &e),
		 -TV_ELF_EMACHINE);
	ehdr()->e_machine = EM_AARCH64;
	check_rc("ehdr: aarch64 file, aarch64 wanted",
		 tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE, EM_AARCH64, &e),
		 0);
	ehdr()->e_machine = EM_386;
	check_rc("ehdr: EM_386", tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE,
		 EM_X86_64, &e), -TV_ELF_EMACHINE);

	mk_pie();
	ehdr()->e_type = ET_REL;
	check_rc("ehdr: ET_REL", tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE,
		 EM_X86_64, &e), -TV_ELF_ETYPE);
	ehdr()->e_type = ET_CORE;
	check_rc("ehdr: ET_CORE", tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE,
		 EM_X86_64, &e), -TV_ELF_ETYPE);
	ehdr()->e_type = ET_EXEC;
	check_rc("ehdr: ET_EXEC", tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE,
		 EM_X86_64, &e), 0);

	mk_pie();
	ehdr()->e_phentsize = 32;
	check_rc("ehdr: e_phentsize 32", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), -TV_ELF_EPHDR);
	mk_pie();
	ehdr()->e_phnum = 0;
	check_rc("ehdr: e_phnum 0", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), -TV_ELF_EPHDR);
	ehdr()->e_phnum = TV_ELF_MAX_PHNUM;
	check_rc("ehdr: e_phnum at the 64 KiB limit", tv_elf_parse_ehdr(img,
		 sizeof img, IMG_SIZE, EM_X86_64, &e), 0);
	ehdr()->e_phnum = TV_ELF_MAX_PHNUM + 1;
	check_rc("ehdr: e_phnum over the 64 KiB limit",
		 tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE, EM_X86_64, &e),
		 -TV_ELF_EPHDR);
	ehdr()->e_phnum = 0xffff;
	check_rc("ehdr: e_phnum 0xffff", tv_elf_parse_ehdr(img, sizeof img,
		 IMG_SIZE, EM_X86_64, &e), -TV_ELF_EPHDR);

	mk_pie();
	check_rc("ehdr: table ends at end of file", tv_elf_parse_ehdr(img,
		 sizeof img, PHOFF + 7 * 56, EM_X86_64, &e), 0);
	check_rc("ehdr: table one byte past end of file",
		 tv_elf_parse_ehdr(img, sizeof img, PHOFF + 7 * 56 - 1,
				   EM_X86_64, &e), -TV_ELF_ETRUNC);
	ehdr()->e_phoff = UINT64_MAX - 8;
	check_rc("ehdr: e_phoff wraps around", tv_elf_parse_ehdr(img,
		 sizeof img, IMG_SIZE, EM_X86_64, &e), -TV_ELF_ETRUNC);
}

static void test_pie(void)
{
	struct tv_elf e;

	mk_pie();
	check_rc("pie: parses", parse_img(IMG_SIZE, PAGE, &e), 0);
	check("pie: 4 loads", e.nloads == 4);
	check("pie: lo/hi", e.lo == 0 && e.hi == 0x6000);
	check("pie: align", e.align == 0x1000);
	check("pie: load fields", e.loads[3].vaddr == 0x3df0 &&
	      e.loads[3].memsz == 0x1234 && e.loads[3].offset == 0x2df0 &&
	      e.loads[3].filesz == 0x220 &&
	      e.loads[3].flags == (PF_R | PF_W) &&
	      e.loads[1].flags == (PF_R | PF_X));
	check("pie: interp range", e.interp_offset == 0x300 &&
	      e.interp_size == 28);
	check("pie: phdr from PT_PHDR", e.phdr_vaddr == PHOFF);
	check("pie: RW PT_GNU_STACK", e.exec_stack == 0);

	mk_pie();
	set_ph(6, PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0, 16);
	check("pie: RWX PT_GNU_STACK", parse_img(IMG_SIZE, PAGE, &e) == 0 &&
	      e.exec_stack == 1);
	mk_pie();
	set_ph(6, PT_NOTE, PF_R, 0, 0, 0, 0, 4);
	check("pie: no PT_GNU_STACK means non-exec stack",
	      parse_img(IMG_SIZE, PAGE, &e) == 0 && e.exec_stack == 0);
	mk_pie();
	set_ph(0, PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0, 16);
	check("pie: last PT_GNU_STACK wins", parse_img(IMG_SIZE, PAGE, &e) ==
	      0 && e.exec_stack == 0 && e.phdr_vaddr == PHOFF);

	mk_pie();
	set_ph(1, PT_NULL, 0, 0, 0, 0, 0, 0);
	check("pie: no PT_INTERP", parse_img(IMG_SIZE, PAGE, &e) == 0 &&
	      e.interp_size == 0 && e.interp_offset == 0);

	mk_pie();
	set_ph(0, PT_NOTE, PF_R, 0, 0, 0, 0, 4);
	check("pie: phdr from first PT_LOAD", parse_img(IMG_SIZE, PAGE, &e) ==
	      0 && e.phdr_vaddr == PHOFF);
	/* Shift the first load so it no longer covers the table. */
	set_ph(2, PT_LOAD, PF_R, 0x400, 0x400, 0x200, 0x200, 0x1000);
	check("pie: phdr not in any PT_LOAD", parse_img(IMG_SIZE, PAGE, &e) ==
	      0 && e.phdr_vaddr == 0);
	/* A load that holds only the start of the table does not count. */
	set_ph(2, PT_LOAD, PF_R, 0, 0, PHOFF + 56, 0x600, 0x1000);
	check("pie: phdr only partly in PT_LOAD", parse_img(IMG_SIZE, PAGE,
	      &e) == 0 && e.phdr_vaddr == 0);

	mk_pie();
	tv_elf_parse_ehdr(img, sizeof img, IMG_SIZE, EM_X86_64, &e);
	check_rc("pie: ph buffer one byte short", tv_elf_parse_phdrs(img +
		 PHOFF, 7 * 56 - 1, IMG_SIZE, PAGE, &e), -TV_ELF_ETRUNC);
}

static void test_exec(void)
{
	struct tv_elf e;

	mk_exec();
	check_rc("exec: parses", parse_img(IMG_SIZE, PAGE, &e), 0);
	check("exec: span", e.lo == 0x400000 && e.hi == 0x407000);
	check("exec: phdr derived from PT_LOAD", e.phdr_vaddr ==
	      0x400000 + PHOFF);
	check("exec: no interp, no exec stack", e.interp_size == 0 &&
	      e.exec_stack == 0);
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x2000, 0x2000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x2000, 0x100, 0x5000,
	       0x1000);
	ehdr()->e_entry = 0x1000;
	check_rc("exec: ET_EXEC at 0", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);
	ehdr()->e_type = ET_DYN;
	check_rc("exec: same layout as ET_DYN", parse_img(IMG_SIZE, PAGE, &e),
		 0);
	mk_exec();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0xf000, 0x2000, 0x2000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x12000, 0x100, 0x5000,
	       0x1000);
	ehdr()->e_entry = 0x10000;
	check_rc("exec: ET_EXEC below mmap_min_addr", parse_img(IMG_SIZE, PAGE,
		 &e), -TV_ELF_ELOAD);

	mk_exec();
	ehdr()->e_entry = 0x400000;
	check_rc("exec: entry == lo", parse_img(IMG_SIZE, PAGE, &e), 0);
	ehdr()->e_entry = 0x406fff;
	check_rc("exec: entry == hi - 1", parse_img(IMG_SIZE, PAGE, &e), 0);
	ehdr()->e_entry = 0x407000;
	check_rc("exec: entry == hi", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);
	ehdr()->e_entry = 0x3fffff;
	check_rc("exec: entry below lo", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);
}

static void test_loads(void)
{
	struct tv_elf e;
	int i;

	mk_exec();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x5001, 0x5000,
	       0x1000);
	check_rc("load: filesz > memsz", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);
	mk_exec();
	set_ph(1, PT_LOAD, PF_R | PF_W, IMG_SIZE - 0x100, 0x402000, 0x101,
	       0x5000, 0x1000);
	check_rc("load: file data past end of file", parse_img(IMG_SIZE, PAGE,
		 &e), -TV_ELF_ETRUNC);
	set_ph(1, PT_LOAD, PF_R | PF_W, IMG_SIZE - 0x100, 0x402f00, 0x100,
	       0x5000, 0x1000);
	check_rc("load: file data up to end of file", parse_img(IMG_SIZE,
		 PAGE, &e), 0);
	set_ph(1, PT_LOAD, PF_R | PF_W, UINT64_MAX - 0xfff, 0x402000, 0x2000,
	       0x5000, 0x1000);
	check_rc("load: p_offset + p_filesz wraps", parse_img(IMG_SIZE, PAGE,
		 &e), -TV_ELF_ETRUNC);
	mk_exec();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2010, 0x402000, 0x100, 0x5000,
	       0x1000);
	check_rc("load: vaddr and offset not congruent", parse_img(IMG_SIZE,
		 PAGE, &e), -TV_ELF_ELOAD);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x12345, 0x402000, 0, 0x5000, 0x1000);
	check_rc("load: bss-only segment ignores p_offset", parse_img(IMG_SIZE,
		 PAGE, &e), 0);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0, 0, 0x1000);
	check("load: empty segment is left out", parse_img(IMG_SIZE, PAGE, &e)
	      == 0 && e.nloads == 1 && e.hi == 0x402000);

	mk_exec();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000, 3);
	check_rc("load: p_align 3", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000, 0);
	check_rc("load: p_align 0", parse_img(IMG_SIZE, PAGE, &e), 0);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000, 1);
	check("load: p_align 1 gives page alignment", parse_img(IMG_SIZE, PAGE,
	      &e) == 0 && e.align == PAGE);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000,
	       0x200000);
	check("load: p_align 2 MiB", parse_img(IMG_SIZE, PAGE, &e) == 0 &&
	      e.align == 0x200000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000,
	       1ull << 31);
	check_rc("load: p_align 2 GiB", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);

	mk_exec();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, TV_ELF_USER_TOP - 0x5000,
	       0x100, 0x5000, 0x1000);
	check("load: segment ending at the top of user space",
	      parse_img(IMG_SIZE, PAGE, &e) == 0 && e.hi == TV_ELF_USER_TOP);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, TV_ELF_USER_TOP - 0x5000,
	       0x100, 0x5001, 0x1000);
	check_rc("load: segment crossing the top of user space",
		 parse_img(IMG_SIZE, PAGE, &e), -TV_ELF_ELOAD);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, UINT64_MAX - 0xfff, 0x100,
	       0x5000, 0x1000);
	check_rc("load: vaddr + memsz wraps", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, UINT64_MAX,
	       0x1000);
	check_rc("load: huge memsz", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);

	mk_exec();
	set_ph(0, PT_NOTE, PF_R, 0, 0, 0, 0, 4);
	set_ph(1, PT_NOTE, PF_R, 0, 0, 0, 0, 4);
	check_rc("load: no PT_LOAD", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);
	set_ph(0, PT_LOAD, PF_R, 0, 0x400000, 0, 0, 0x1000);
	check_rc("load: only an empty PT_LOAD", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ELOAD);

	mk_ehdr(ET_DYN, 0, TV_ELF_MAX_LOADS);
	for (i = 0; i < TV_ELF_MAX_LOADS; i++)
		set_ph(i, PT_LOAD, PF_R, 0, (uint64_t)i * PAGE, 0x100, 0x100,
		       PAGE);
	check("load: TV_ELF_MAX_LOADS segments", parse_img(IMG_SIZE, PAGE, &e)
	      == 0 && e.nloads == TV_ELF_MAX_LOADS);
	mk_ehdr(ET_DYN, 0, TV_ELF_MAX_LOADS + 1);
	for (i = 0; i <= TV_ELF_MAX_LOADS; i++)
		set_ph(i, PT_LOAD, PF_R, 0, (uint64_t)i * PAGE, 0x100, 0x100,
		       PAGE);
	check_rc("load: one segment too many", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_ETOOMANY);
}

static void test_overlap(void)
{
	struct tv_elf e;

	mk_exec();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1fff, 0x401fff, 0x100, 0x5000,
	       0x1000);
	check_rc("overlap: one byte", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_EOVERLAP);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000,
	       0x1000);
	check_rc("overlap: touching segments", parse_img(IMG_SIZE, PAGE, &e),
		 0);
	/* Text ends mid-page and data starts in the same page: legal, as
	 * with ld -N or 4 KiB-linked code on a 64 KiB-page kernel. */
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1800, 0x1800, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1800, 0x401800, 0x100, 0x5000,
	       0x1000);
	check_rc("overlap: shared page, disjoint bytes", parse_img(IMG_SIZE,
		 PAGE, &e), 0);
	mk_exec();
	set_ph(0, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x5000,
	       0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x2000, 0x2000, 0x1000);
	check("overlap: unsorted disjoint segments are sorted",
	      parse_img(IMG_SIZE, PAGE, &e) == 0 && e.nloads == 2 &&
	      e.loads[0].vaddr == 0x400000 && e.loads[1].vaddr == 0x402000 &&
	      e.loads[0].flags == (PF_R | PF_X) && e.lo == 0x400000 &&
	      e.hi == 0x407000);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x2000, 0x2001, 0x1000);
	check_rc("overlap: unsorted overlapping segments", parse_img(IMG_SIZE,
		 PAGE, &e), -TV_ELF_EOVERLAP);
	mk_exec();
	set_ph(1, PT_LOAD, PF_R | PF_W, 0, 0x400000, 0x2000, 0x2000, 0x1000);
	check_rc("overlap: identical segments", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_EOVERLAP);
}

static void test_interp(void)
{
	struct tv_elf e;
	char path[TV_ELF_MAX_INTERP + 1];

	mk_pie();
	set_ph(0, PT_INTERP, PF_R, 0x400, 0x400, 10, 10, 1);
	check_rc("interp: two PT_INTERP", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_EINTERP);
	mk_pie();
	set_ph(1, PT_INTERP, PF_R, 0x300, 0x300, 1, 1, 1);
	check_rc("interp: size 1", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_EINTERP);
	set_ph(1, PT_INTERP, PF_R, 0x300, 0x300, 2, 2, 1);
	check_rc("interp: size 2", parse_img(IMG_SIZE, PAGE, &e), 0);
	set_ph(1, PT_INTERP, PF_R, 0x300, 0x300, 4096, 4096, 1);
	check_rc("interp: size 4096", parse_img(IMG_SIZE, PAGE, &e), 0);
	set_ph(1, PT_INTERP, PF_R, 0x300, 0x300, 4097, 4097, 1);
	check_rc("interp: size 4097", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_EINTERP);
	set_ph(1, PT_INTERP, PF_R, IMG_SIZE - 27, 0, 28, 28, 1);
	check_rc("interp: past end of file", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_EINTERP);
	set_ph(1, PT_INTERP, PF_R, UINT64_MAX - 10, 0, 28, 28, 1);
	check_rc("interp: offset wraps", parse_img(IMG_SIZE, PAGE, &e),
		 -TV_ELF_EINTERP);

	check_rc("check_interp: good", tv_elf_check_interp("/lib/ld.so", 11),
		 0);
	check_rc("check_interp: no NUL", tv_elf_check_interp("/lib/ld.so",
		 10), -TV_ELF_EINTERP);
	check_rc("check_interp: size 1", tv_elf_check_interp("", 1),
		 -TV_ELF_EINTERP);
	memset(path, 'a', sizeof path);
	path[4095] = '\0';
	check_rc("check_interp: 4096", tv_elf_check_interp(path, 4096), 0);
	path[4096] = '\0';
	check_rc("check_interp: 4097", tv_elf_check_interp(path, 4097),
		 -TV_ELF_EINTERP);
}

static void test_page_size(void)
{
	struct tv_elf e;

	/* 4 KiB-congruent but not 64 KiB-congruent: fine on x86_64, not
	 * loadable on a 64 KiB-page arm64 kernel. */
	mk_pie();
	check_rc("page: 64 KiB pages, 4 KiB-linked binary", parse_img(IMG_SIZE,
		 0x10000, &e), -TV_ELF_ELOAD);
	mk_exec();
	check("page: 64 KiB pages round the span", parse_img(IMG_SIZE, 0x10000,
	      &e) == 0 && e.lo == 0x400000 && e.hi == 0x410000 &&
	      e.align == 0x10000);
	check_rc("page: size 0", parse_img(IMG_SIZE, 0, &e), -TV_ELF_ELOAD);
	check_rc("page: size 3000", parse_img(IMG_SIZE, 3000, &e),
		 -TV_ELF_ELOAD);
}

static void test_strerror(void)
{
	int i, j, ok = 1;

	for (i = TV_ELF_ENOTELF; i <= TV_ELF_ETOOMANY; i++) {
		const char *m = tv_elf_strerror(-i);

		if (!m || !*m || !strcmp(m, tv_elf_strerror(-1000)))
			ok = 0;
		for (j = TV_ELF_ENOTELF; j < i; j++)
			if (!strcmp(m, tv_elf_strerror(-j)))
				ok = 0;
	}
	check("strerror: every code has its own message", ok);
	check("strerror: messages", !strcmp(tv_elf_strerror(-TV_ELF_ENOTELF),
	      "not an ELF file") && !strcmp(tv_elf_strerror(-TV_ELF_EMACHINE),
	      "wrong ELF machine") && !strcmp(tv_elf_strerror(-TV_ELF_ETRUNC),
	      "truncated ELF file") && !strcmp(tv_elf_strerror(
	      -TV_ELF_EOVERLAP), "overlapping segments"));
	check("strerror: out of range", !strcmp(tv_elf_strerror(1),
	      "unknown ELF error") && !strcmp(tv_elf_strerror(-11),
	      "unknown ELF error") && !strcmp(tv_elf_strerror(-2147483647 - 1),
	      "unknown ELF error"));
}

/* ---- real files ------------------------------------------------------ */

/* What the loader will do: read the header, then the table, then the
 * interpreter's name.  interp gets "" when there is none. */
static int load_file(const char *path, int machine, uint64_t page,
		     struct tv_elf *e, char *interp)
{
	static unsigned char ph[TV_ELF_MAX_PH_SIZE];
	unsigned char head[sizeof(Elf64_Ehdr)];
	struct stat st;
	ssize_t n;
	int fd, rc;

	interp[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return -1000 - errno;
	}
	n = pread(fd, head, sizeof head, 0);
	rc = tv_elf_parse_ehdr(head, n < 0 ? 0 : (size_t)n, st.st_size,
			       machine, e);
	if (!rc) {
		n = pread(fd, ph, (size_t)e->phnum * e->phentsize,
			  (off_t)e->phoff);
		rc = tv_elf_parse_phdrs(ph, n < 0 ? 0 : (size_t)n, st.st_size,
					page, e);
	}
	if (!rc && e->interp_size) {
		n = pread(fd, interp, e->interp_size, (off_t)e->interp_offset);
		if (n != (ssize_t)e->interp_size)
			rc = -TV_ELF_ETRUNC;
		else
			rc = tv_elf_check_interp(interp, e->interp_size);
	}
	close(fd);
	return rc;
}

/* Compare the PT_LOADs with what readelf prints for the same file. */
static int same_as_readelf(const char *path, const struct tv_elf *e)
{
	char cmd[512], line[512];
	uint64_t off, va, pa, fs, ms;
	int n = 0, ok = 1;
	FILE *f;

	snprintf(cmd, sizeof cmd, "readelf -lW '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, " LOAD 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64
			   " 0x%" SCNx64 " 0x%" SCNx64, &off, &va, &pa, &fs,
			   &ms) != 5 || ms == 0)
			continue;
		if (n >= e->nloads || e->loads[n].offset != off ||
		    e->loads[n].vaddr != va || e->loads[n].filesz != fs ||
		    e->loads[n].memsz != ms)
			ok = 0;
		n++;
	}
	return pclose(f) == 0 && ok && n == e->nloads;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void test_real(const char *path, uint16_t type, const char *interp)
{
	struct tv_elf e;
	char name[256], got[TV_ELF_MAX_INTERP + 1];
	int rc;

	snprintf(name, sizeof name, "real: %s exists", path);
	check(name, exists(path));
	rc = load_file(path, EM_X86_64, PAGE, &e, got);
	snprintf(name, sizeof name, "real: %s parses", path);
	check_rc(name, rc, 0);
	if (rc)
		return;
	snprintf(name, sizeof name, "real: %s type and interpreter", path);
	check(name, e.type == type && !strcmp(got, interp));
	snprintf(name, sizeof name, "real: %s span, entry, phdr, stack",
		 path);
	check(name, e.nloads >= 2 && e.lo < e.hi && e.entry >= e.lo &&
	      e.entry < e.hi && e.phdr_vaddr >= e.lo && e.phdr_vaddr < e.hi &&
	      e.exec_stack == 0 && e.align >= PAGE);
	snprintf(name, sizeof name, "real: %s loads match readelf", path);
	check(name, same_as_readelf(path, &e));
	snprintf(name, sizeof name, "real: %s is not aarch64", path);
	check_rc(name, load_file(path, EM_AARCH64, PAGE, &e, got),
		 -TV_ELF_EMACHINE);
}

/* The kernel loaded this very test binary: its auxv must agree with
 * what the parser says about /proc/self/exe. */
static void test_self(void)
{
	struct tv_elf e;
	char interp[TV_ELF_MAX_INTERP + 1];
	uint64_t bias;
	int rc = load_file("/proc/self/exe", EM_X86_64, getauxval(AT_PAGESZ),
			   &e, interp);

	check_rc("self: /proc/self/exe parses", rc, 0);
	if (rc)
		return;
	bias = getauxval(AT_PHDR) - e.phdr_vaddr;
	check("self: AT_PHNUM and AT_PHENT", getauxval(AT_PHNUM) == e.phnum &&
	      getauxval(AT_PHENT) == e.phentsize);
	check("self: AT_ENTRY == bias + entry", e.phdr_vaddr &&
	      getauxval(AT_ENTRY) == bias + e.entry);
	check("self: bias is page aligned and fits the type",
	      bias % getauxval(AT_PAGESZ) == 0 &&
	      (e.type == ET_DYN || bias == 0));
}

static void test_aarch64(void)
{
	const char *path = "/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1";
	struct tv_elf e;
	char interp[TV_ELF_MAX_INTERP + 1];
	int rc;

	check("aarch64: ld.so exists", exists(path));
	rc = load_file(path, EM_AARCH64, PAGE, &e, interp);
	check_rc("aarch64: ld.so parses with 4 KiB pages", rc, 0);
	check("aarch64: ld.so fields", !rc && e.type == ET_DYN &&
	      e.interp_size == 0 && e.lo == 0 && same_as_readelf(path, &e));
	/* Debian links arm64 with max-page-size 64 KiB. */
	rc = load_file(path, EM_AARCH64, 0x10000, &e, interp);
	check_rc("aarch64: ld.so parses with 64 KiB pages", rc, 0);
	check_rc("aarch64: ld.so is not x86_64", load_file(path, EM_X86_64,
		 PAGE, &e, interp), -TV_ELF_EMACHINE);
}

/* Every x86_64 ELF executable and library in a directory runs on this
 * system, so every one must parse. */
static void sweep(const char *dir)
{
	char path[4096], interp[TV_ELF_MAX_INTERP + 1], name[4200];
	struct tv_elf e;
	struct dirent *d;
	int elves = 0, bad = 0, rc;
	DIR *dp = opendir(dir);

	if (!dp) {
		snprintf(name, sizeof name, "sweep: open %s", dir);
		check(name, 0);
		return;
	}
	while ((d = readdir(dp))) {
		struct stat st;

		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		rc = load_file(path, EM_X86_64, PAGE, &e, interp);
		if (rc == -TV_ELF_ENOTELF || rc == -TV_ELF_ETRUNC ||
		    rc == -TV_ELF_ETYPE || rc <= -1000)
			continue;       /* scripts, data, objects, no access */
		elves++;
		if (rc) {
			printf("FAIL: sweep: %s: %s\n", path,
			       tv_elf_strerror(rc));
			bad++;
		}
	}
	closedir(dp);
	snprintf(name, sizeof name, "sweep: %d ELF files in %s all parse",
		 elves, dir);
	check(name, bad == 0 && elves > 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_ehdr();
	test_pie();
	test_exec();
	test_loads();
	test_overlap();
	test_interp();
	test_page_size();
	test_strerror();
	test_real("/bin/ls", ET_DYN, "/lib64/ld-linux-x86-64.so.2");
	test_real("/bin/busybox", ET_EXEC, "");
	test_real("/lib64/ld-linux-x86-64.so.2", ET_DYN, "");
	test_real("/lib/ld-musl-x86_64.so.1", ET_DYN, "");
	test_self();
	test_aarch64();
	sweep("/usr/bin");
	sweep("/usr/lib/x86_64-linux-gnu");
	return failures != 0;
}
