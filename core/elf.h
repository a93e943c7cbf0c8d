/* Pure ELF64 parsing for the loader: no I/O, no allocation, no libc.
 *
 * The loader reads the first bytes of a file, calls tv_elf_parse_ehdr(),
 * reads the program header table it names, then calls
 * tv_elf_parse_phdrs().  Everything the loader needs to reserve, map and
 * start the image ends up in struct tv_elf, already checked, so the
 * loader can do plain arithmetic on it without re-validating.
 *
 * All addresses here are unbiased (as written in the file): an ET_DYN
 * image is mapped at some base b and every vaddr/entry becomes b + value.
 * The same code runs in the freestanding monitor, in hosted unit tests
 * and under libFuzzer. */
#ifndef TV_ELF_H
#define TV_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/elf.h>

#define TV_ELF_MAX_LOADS 16

/* fs/binfmt_elf.c load_elf_phdrs(): the table may be at most 64 KiB,
 * i.e. 1170 entries of 56 bytes.  A caller can size its buffer with
 * TV_ELF_MAX_PH_SIZE. */
#define TV_ELF_MAX_PH_SIZE 65536u
#define TV_ELF_MAX_PHNUM (TV_ELF_MAX_PH_SIZE / sizeof(Elf64_Phdr))

/* Every PT_LOAD must end at or below this address: 47-bit user space,
 * the smallest common size on x86_64 and arm64 (48-bit VA). */
#define TV_ELF_USER_TOP (1ull << 47)

/* mmap_min_addr's usual value: an ET_EXEC below it cannot be mapped. */
#define TV_ELF_MIN_EXEC_ADDR 0x10000ull

/* p_align must be 0, 1 or a power of two no larger than this.  The
 * kernel skips other values when it picks the alignment; refusing them
 * is stricter, but no toolchain emits them, nor more than 2 MiB, and an
 * absurd alignment would only make the reservation fail later. */
#define TV_ELF_MAX_ALIGN (1ull << 30)

/* PT_INTERP size limits, as in load_elf_binary() (PATH_MAX). */
#define TV_ELF_MIN_INTERP 2u
#define TV_ELF_MAX_INTERP 4096u

struct tv_elf_load {
	uint64_t vaddr, memsz;   /* from p_vaddr/p_memsz, unbiased */
	uint64_t offset, filesz; /* from p_offset/p_filesz */
	uint32_t flags;          /* p_flags: PF_R|PF_W|PF_X */
};

struct tv_elf {
	uint16_t type;          /* ET_EXEC or ET_DYN */
	uint64_t entry;         /* e_entry, unbiased */
	uint64_t phoff;         /* e_phoff */
	uint16_t phnum, phentsize;
	/* Where the program headers are in memory, unbiased: PT_PHDR's
	 * p_vaddr, else the PT_LOAD whose file range holds the whole table;
	 * 0 if none. */
	uint64_t phdr_vaddr;
	/* Span of all PT_LOADs in pages: lo = rounddown(min vaddr),
	 * hi = roundup(max vaddr + memsz); lo < hi <= TV_ELF_USER_TOP. */
	uint64_t lo, hi;
	uint64_t align;         /* largest p_align of a PT_LOAD, >= page_size */
	/* PT_LOADs with p_memsz > 0, sorted by vaddr, not overlapping.
	 * Segments with p_memsz == 0 map nothing and are left out. */
	int nloads;
	struct tv_elf_load loads[TV_ELF_MAX_LOADS];
	/* PT_INTERP: file range including the terminating NUL; size 0 = no
	 * interpreter.  The loader reads it and checks it with
	 * tv_elf_check_interp(). */
	uint64_t interp_offset, interp_size;
	/* 1 iff PT_GNU_STACK has PF_X.  A missing PT_GNU_STACK means a
	 * non-executable stack: since Linux 5.8 elf_read_implies_exec() is
	 * false for 64-bit tasks on x86_64 (only ia32 keeps exec-all) and
	 * arm64 (only compat keeps it), so the default stack is RW. */
	int exec_stack;
};

/* Errors are returned negated. */
enum {
	TV_ELF_ENOTELF = 1,
	TV_ELF_ECLASS,
	TV_ELF_EMACHINE,
	TV_ELF_ETYPE,
	TV_ELF_ETRUNC,
	TV_ELF_EPHDR,
	TV_ELF_ELOAD,
	TV_ELF_EOVERLAP,
	TV_ELF_EINTERP,
	TV_ELF_ETOOMANY,
};

/* A short lowercase message for a negative TV_ELF_E* value. */
const char *tv_elf_strerror(int err);

/* Step 1.  buf holds the first len bytes of a file of file_size bytes
 * (len may be smaller than an ELF header for tiny files).  machine is
 * EM_X86_64 or EM_AARCH64.  Checks the identification bytes (64-bit,
 * little-endian, EV_CURRENT), machine, type (ET_EXEC or ET_DYN),
 * e_phentsize, 0 < e_phnum <= TV_ELF_MAX_PHNUM, and that the table lies
 * inside the file.  Fills type, entry, phoff, phnum and phentsize and
 * zeroes the rest of *out.  Returns 0 or a negative TV_ELF_E*. */
int tv_elf_parse_ehdr(const void *buf, size_t len, uint64_t file_size,
		      int machine, struct tv_elf *out);

/* Step 2.  ph holds ph_size >= phnum * phentsize bytes read from file
 * offset phoff; *out comes from a successful tv_elf_parse_ehdr().
 * page_size is a power of two (AT_PAGESZ).  Validates the PT_LOADs,
 * PT_INTERP, PT_PHDR and PT_GNU_STACK and fills the rest of *out.
 * Returns 0 or a negative TV_ELF_E*. */
int tv_elf_parse_phdrs(const void *ph, size_t ph_size, uint64_t file_size,
		       uint64_t page_size, struct tv_elf *out);

/* The kernel's last check on PT_INTERP, once its bytes are read: the
 * string must end with a NUL at path[size - 1].  Returns 0 or
 * -TV_ELF_EINTERP. */
int tv_elf_check_interp(const char *path, uint64_t size);

#endif
