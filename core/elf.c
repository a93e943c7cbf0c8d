/* Pure ELF64 parsing; see elf.h.  The checks follow fs/binfmt_elf.c
 * where the kernel has one and are stricter where a mistake would only
 * show up later as a crash of the guest (entry outside the image, file
 * data beyond the end of the file, overlapping segments). */
#include "elf.h"

/* Fields are decoded byte by byte, little-endian: the input may be
 * unaligned (a fuzzer buffer, a header read at an odd offset) and the
 * result does not depend on the host's byte order.  The layout comes
 * from the UAPI structs through offsetof, not from hand-copied
 * numbers. */
static uint64_t rd_le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

#define FIELD(base, type, field) \
	rd_le((base) + offsetof(type, field), sizeof(((type *)0)->field))
#define EHDR(p, field) FIELD(p, Elf64_Ehdr, field)
#define PHDR(p, field) FIELD(p, Elf64_Phdr, field)

static const char *const elf_messages[] = {
	[0] = "success",
	[TV_ELF_ENOTELF] = "not an ELF file",
	[TV_ELF_ECLASS] = "not a 64-bit little-endian ELF file",
	[TV_ELF_EMACHINE] = "wrong ELF machine",
	[TV_ELF_ETYPE] = "not an executable or shared object",
	[TV_ELF_ETRUNC] = "truncated ELF file",
	[TV_ELF_EPHDR] = "bad program header table",
	[TV_ELF_ELOAD] = "bad loadable segment",
	[TV_ELF_EOVERLAP] = "overlapping segments",
	[TV_ELF_EINTERP] = "bad interpreter segment",
	[TV_ELF_ETOOMANY] = "too many loadable segments",
};

const char *tv_elf_strerror(int err)
{
	if (err > 0 || err < -TV_ELF_ETOOMANY)
		return "unknown ELF error";
	return elf_messages[-err];
}

static int is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static uint64_t round_down(uint64_t x, uint64_t page)
{
	return x & ~(page - 1);
}

/* Callers guarantee x + page - 1 does not overflow (x <= USER_TOP). */
static uint64_t round_up(uint64_t x, uint64_t page)
{
	return round_down(x + page - 1, page);
}

/* [off, off + size) lies inside a file of file_size bytes, computed
 * without overflow. */
static int in_file(uint64_t off, uint64_t size, uint64_t file_size)
{
	return off <= file_size && size <= file_size - off;
}

static int check_ident(const unsigned char *p, size_t len)
{
	if (len < SELFMAG || p[EI_MAG0] != ELFMAG0 || p[EI_MAG1] != ELFMAG1 ||
	    p[EI_MAG2] != ELFMAG2 || p[EI_MAG3] != ELFMAG3)
		return -TV_ELF_ENOTELF;
	if (len < sizeof(Elf64_Ehdr))
		return -TV_ELF_ETRUNC;
	if (p[EI_CLASS] != ELFCLASS64 || p[EI_DATA] != ELFDATA2LSB ||
	    p[EI_VERSION] != EV_CURRENT)
		return -TV_ELF_ECLASS;
	return 0;
}

/* Scalars only: loads[] past nloads is never read, and zeroing the
 * 700-byte struct whole would make the compiler call memset. */
static void reset(struct tv_elf *out)
{
	out->type = 0;
	out->entry = out->phoff = 0;
	out->phnum = out->phentsize = 0;
	out->phdr_vaddr = out->lo = out->hi = out->align = 0;
	out->nloads = 0;
	out->interp_offset = out->interp_size = 0;
	out->exec_stack = 0;
}

int tv_elf_parse_ehdr(const void *buf, size_t len, uint64_t file_size,
		      int machine, struct tv_elf *out)
{
	const unsigned char *p = buf;
	uint64_t type, phnum, phentsize, phoff;
	int err;

	reset(out);
	err = check_ident(p, len);
	if (err)
		return err;
	if (EHDR(p, e_machine) != (uint64_t)machine)
		return -TV_ELF_EMACHINE;
	type = EHDR(p, e_type);
	if (type != ET_EXEC && type != ET_DYN)
		return -TV_ELF_ETYPE;
	phentsize = EHDR(p, e_phentsize);
	phnum = EHDR(p, e_phnum);
	phoff = EHDR(p, e_phoff);
	if (phentsize != sizeof(Elf64_Phdr) || phnum == 0 ||
	    phnum > TV_ELF_MAX_PHNUM)
		return -TV_ELF_EPHDR;
	/* phnum * phentsize <= 64 KiB, so only phoff can overflow here. */
	if (!in_file(phoff, phnum * phentsize, file_size))
		return -TV_ELF_ETRUNC;
	out->type = (uint16_t)type;
	out->entry = EHDR(p, e_entry);
	out->phoff = phoff;
	out->phnum = (uint16_t)phnum;
	out->phentsize = (uint16_t)phentsize;
	return 0;
}

/* Decode and check one PT_LOAD.  The kernel's own test (load_elf_binary:
 * p_filesz > p_memsz or the segment crossing TASK_SIZE is -EINVAL) is
 * the core; the file-range and congruence tests stand in for the mmap
 * that would fail or fault later. */
static int parse_load(const unsigned char *ph, uint64_t file_size,
		      uint64_t page_size, struct tv_elf_load *load,
		      uint64_t *align)
{
	uint64_t p_align = PHDR(ph, p_align);

	load->vaddr = PHDR(ph, p_vaddr);
	load->memsz = PHDR(ph, p_memsz);
	load->offset = PHDR(ph, p_offset);
	load->filesz = PHDR(ph, p_filesz);
	load->flags = (uint32_t)PHDR(ph, p_flags);
	if (load->memsz > TV_ELF_USER_TOP ||
	    load->vaddr > TV_ELF_USER_TOP - load->memsz ||
	    load->filesz > load->memsz)
		return -TV_ELF_ELOAD;
	/* 0 and 1 both mean "no constraint" in the ELF spec. */
	if (p_align > 1 && (!is_pow2(p_align) || p_align > TV_ELF_MAX_ALIGN))
		return -TV_ELF_ELOAD;
	if (p_align > *align)
		*align = p_align;
	/* A segment without file data is anonymous memory: its p_offset
	 * is never used, so only file-backed segments are checked. */
	if (load->filesz == 0)
		return 0;
	if (!in_file(load->offset, load->filesz, file_size))
		return -TV_ELF_ETRUNC;
	/* mmap needs the file offset and the address to agree modulo the
	 * page size; unsigned wrap-around keeps the difference exact. */
	if ((load->vaddr - load->offset) & (page_size - 1))
		return -TV_ELF_ELOAD;
	return 0;
}

static int parse_interp(const unsigned char *ph, uint64_t file_size,
			struct tv_elf *out)
{
	uint64_t off = PHDR(ph, p_offset), size = PHDR(ph, p_filesz);

	/* load_elf_binary() takes the first PT_INTERP; a second one is
	 * refused here rather than silently ignored. */
	if (out->interp_size)
		return -TV_ELF_EINTERP;
	if (size < TV_ELF_MIN_INTERP || size > TV_ELF_MAX_INTERP ||
	    !in_file(off, size, file_size))
		return -TV_ELF_EINTERP;
	out->interp_offset = off;
	out->interp_size = size;
	return 0;
}

/* Field by field: a struct assignment may become a memcpy call at -O0,
 * and this file links against nothing. */
static void copy_load(struct tv_elf_load *dst, const struct tv_elf_load *src)
{
	dst->vaddr = src->vaddr;
	dst->memsz = src->memsz;
	dst->offset = src->offset;
	dst->filesz = src->filesz;
	dst->flags = src->flags;
}

/* Insertion sort by vaddr: at most TV_ELF_MAX_LOADS entries, almost
 * always already in order (the ELF spec requires it). */
static void sort_loads(struct tv_elf_load *loads, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		struct tv_elf_load cur;

		copy_load(&cur, &loads[i]);
		for (j = i; j > 0 && loads[j - 1].vaddr > cur.vaddr; j--)
			copy_load(&loads[j], &loads[j - 1]);
		copy_load(&loads[j], &cur);
	}
}

/* Sorted loads overlap iff some neighbour starts before the previous
 * one ends.  Ranges are exact bytes, not pages: two segments may share
 * a page at their boundary (the kernel maps the later one over it). */
static int check_overlap(const struct tv_elf_load *loads, int n)
{
	int i;

	for (i = 1; i < n; i++)
		if (loads[i - 1].vaddr + loads[i - 1].memsz > loads[i].vaddr)
			return -TV_ELF_EOVERLAP;
	return 0;
}

/* PT_PHDR says where the table is mapped.  Without it, find the
 * PT_LOAD whose file bytes hold the whole table (what the kernel does
 * for AT_PHDR since 5.18). */
static uint64_t find_phdr_vaddr(const struct tv_elf *elf, uint64_t pt_phdr,
				int have_pt_phdr)
{
	uint64_t size = (uint64_t)elf->phnum * elf->phentsize;
	int i;

	if (have_pt_phdr)
		return pt_phdr;
	for (i = 0; i < elf->nloads; i++) {
		const struct tv_elf_load *l = &elf->loads[i];

		if (elf->phoff >= l->offset &&
		    elf->phoff - l->offset <= l->filesz &&
		    size <= l->filesz - (elf->phoff - l->offset))
			return l->vaddr + (elf->phoff - l->offset);
	}
	return 0;
}

/* Whole-image checks once every PT_LOAD is known. */
static int finish_image(struct tv_elf *out, uint64_t page_size)
{
	const struct tv_elf_load *last;
	int err;

	if (out->nloads == 0)
		return -TV_ELF_ELOAD;
	sort_loads(out->loads, out->nloads);
	err = check_overlap(out->loads, out->nloads);
	if (err)
		return err;
	last = &out->loads[out->nloads - 1];
	out->lo = round_down(out->loads[0].vaddr, page_size);
	out->hi = round_up(last->vaddr + last->memsz, page_size);
	if (out->type == ET_EXEC && out->lo < TV_ELF_MIN_EXEC_ADDR)
		return -TV_ELF_ELOAD;
	/* The kernel would jump there anyway and the guest would die of
	 * SIGSEGV; refusing is the clearer failure. */
	if (out->entry < out->lo || out->entry >= out->hi)
		return -TV_ELF_ELOAD;
	return 0;
}

static int parse_one(const unsigned char *ph, uint64_t file_size,
		     uint64_t page_size, struct tv_elf *out,
		     uint64_t *pt_phdr, int *have_pt_phdr)
{
	struct tv_elf_load load;
	int err;

	switch (PHDR(ph, p_type)) {
	case PT_LOAD:
		err = parse_load(ph, file_size, page_size, &load, &out->align);
		if (err || load.memsz == 0)
			return err;
		if (out->nloads == TV_ELF_MAX_LOADS)
			return -TV_ELF_ETOOMANY;
		copy_load(&out->loads[out->nloads++], &load);
		return 0;
	case PT_INTERP:
		return parse_interp(ph, file_size, out);
	case PT_PHDR:
		if (!*have_pt_phdr) {
			*pt_phdr = PHDR(ph, p_vaddr);
			*have_pt_phdr = 1;
		}
		return 0;
	case PT_GNU_STACK:
		/* As in load_elf_binary(), the last one wins. */
		out->exec_stack = (PHDR(ph, p_flags) & PF_X) != 0;
		return 0;
	default:
		return 0;
	}
}

int tv_elf_parse_phdrs(const void *ph, size_t ph_size, uint64_t file_size,
		       uint64_t page_size, struct tv_elf *out)
{
	const unsigned char *p = ph;
	uint64_t pt_phdr = 0;
	int have_pt_phdr = 0, err;
	unsigned i;

	if (out->phentsize != sizeof(Elf64_Phdr) || out->phnum == 0 ||
	    out->phnum > TV_ELF_MAX_PHNUM)
		return -TV_ELF_EPHDR;
	if (ph_size < (size_t)out->phnum * out->phentsize)
		return -TV_ELF_ETRUNC;
	/* A bad page size is a caller bug; refuse rather than compute
	 * nonsense masks. */
	if (!is_pow2(page_size) || page_size > TV_ELF_MAX_ALIGN)
		return -TV_ELF_ELOAD;
	out->nloads = 0;
	out->align = page_size;
	out->interp_offset = out->interp_size = 0;
	out->exec_stack = 0;
	for (i = 0; i < out->phnum; i++) {
		err = parse_one(p + (size_t)i * out->phentsize, file_size,
				page_size, out, &pt_phdr, &have_pt_phdr);
		if (err)
			return err;
	}
	err = finish_image(out, page_size);
	if (err)
		return err;
	out->phdr_vaddr = find_phdr_vaddr(out, pt_phdr, have_pt_phdr);
	return 0;
}

int tv_elf_check_interp(const char *path, uint64_t size)
{
	if (size < TV_ELF_MIN_INTERP || size > TV_ELF_MAX_INTERP ||
	    path[size - 1] != '\0')
		return -TV_ELF_EINTERP;
	return 0;
}
