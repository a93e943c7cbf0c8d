/* libFuzzer target for the loader's pure parsers (core/elf.c and
 * core/script.c).  The input is used three ways: as the start of a file
 * for tv_elf_parse_ehdr (+ tv_elf_parse_phdrs on its table), directly as
 * a program header table, and as the first bytes of a "#!" script.
 * Every successful result must satisfy the invariants the loader relies
 * on; the script parser is also compared with a second, independently
 * written implementation of the kernel's rules.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I core \
 *         tests/fuzz/fuzz_elf.c core/elf.c core/script.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "script.h"

#include "require.h"

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static void check_error(int rc)
{
	REQUIRE(rc >= -TV_ELF_ETOOMANY && rc <= -TV_ELF_ENOTELF);
	REQUIRE(tv_elf_strerror(rc) != NULL);
}

static void check_load(const struct tv_elf *e, const struct tv_elf_load *l,
		       uint64_t file_size, uint64_t page)
{
	REQUIRE(l->memsz > 0 && l->filesz <= l->memsz);
	REQUIRE(l->vaddr >= e->lo && l->vaddr <= e->hi &&
		l->memsz <= e->hi - l->vaddr);
	if (l->filesz) {
		REQUIRE(l->offset <= file_size &&
			l->filesz <= file_size - l->offset);
		REQUIRE(((l->vaddr - l->offset) & (page - 1)) == 0);
	}
}

/* What the loader assumes about a parsed image. */
static void check_image(const struct tv_elf *e, uint64_t file_size,
			uint64_t page)
{
	int i;

	REQUIRE(e->type == ET_EXEC || e->type == ET_DYN);
	REQUIRE(e->nloads >= 1 && e->nloads <= TV_ELF_MAX_LOADS);
	REQUIRE(e->lo < e->hi && e->hi <= TV_ELF_USER_TOP);
	REQUIRE(e->lo % page == 0 && e->hi % page == 0);
	REQUIRE(e->align >= page && (e->align & (e->align - 1)) == 0 &&
		e->align <= TV_ELF_MAX_ALIGN);
	REQUIRE(e->entry >= e->lo && e->entry < e->hi);
	REQUIRE(e->type != ET_EXEC || e->lo >= TV_ELF_MIN_EXEC_ADDR);
	REQUIRE(e->exec_stack == 0 || e->exec_stack == 1);
	for (i = 0; i < e->nloads; i++) {
		check_load(e, &e->loads[i], file_size, page);
		if (i)
			REQUIRE(e->loads[i - 1].vaddr + e->loads[i - 1].memsz <=
				e->loads[i].vaddr);
	}
	if (e->interp_size == 0) {
		REQUIRE(e->interp_offset == 0);
	} else {
		REQUIRE(e->interp_size >= TV_ELF_MIN_INTERP &&
			e->interp_size <= TV_ELF_MAX_INTERP);
		REQUIRE(e->interp_offset <= file_size &&
			e->interp_size <= file_size - e->interp_offset);
	}
}

static const uint64_t pages[] = { 4096, 16384, 65536 };

/* The input is a whole file: header, then its own program headers. */
static void fuzz_file(const uint8_t *data, size_t size)
{
	static const int machines[] = { EM_X86_64, EM_AARCH64 };
	struct tv_elf e;
	size_t m, p;
	int rc;

	for (m = 0; m < 2; m++) {
		rc = tv_elf_parse_ehdr(data, size, size, machines[m], &e);
		if (rc) {
			check_error(rc);
			continue;
		}
		REQUIRE(e.phnum >= 1 && e.phnum <= TV_ELF_MAX_PHNUM &&
			e.phentsize == sizeof(Elf64_Phdr));
		REQUIRE(e.phoff <= size &&
			(uint64_t)e.phnum * e.phentsize <= size - e.phoff);
		for (p = 0; p < sizeof pages / sizeof pages[0]; p++) {
			struct tv_elf copy = e;

			rc = tv_elf_parse_phdrs(data + copy.phoff,
						(size_t)copy.phnum *
						copy.phentsize, size, pages[p],
						&copy);
			if (rc) {
				check_error(rc);
				continue;
			}
			check_image(&copy, size, pages[p]);
			if (copy.interp_size) {
				const char *s = (const char *)data +
						copy.interp_offset;

				rc = tv_elf_check_interp(s, copy.interp_size);
				REQUIRE((rc == 0) ==
					(s[copy.interp_size - 1] == '\0'));
			}
		}
	}
}

/* The input is 16 bytes of parameters and a bare program header table,
 * so the fuzzer need not first build a valid ELF header. */
static void fuzz_table(const uint8_t *data, size_t size)
{
	struct tv_elf e, base;
	uint64_t file_size;
	size_t n, p;
	int rc;

	if (size < 16)
		return;
	n = (size - 16) / sizeof(Elf64_Phdr);
	if (n == 0)
		return;
	if (n > TV_ELF_MAX_PHNUM)
		n = TV_ELF_MAX_PHNUM;
	memset(&base, 0, sizeof base);
	base.entry = get64(data) >> 1;
	base.type = (data[0] & 1) ? ET_DYN : ET_EXEC;
	file_size = get64(data + 8);
	base.phoff = file_size & 0xffff;
	base.phnum = (uint16_t)n;
	base.phentsize = sizeof(Elf64_Phdr);
	for (p = 0; p < sizeof pages / sizeof pages[0]; p++) {
		e = base;
		rc = tv_elf_parse_phdrs(data + 16, size - 16, file_size,
					pages[p], &e);
		if (rc)
			check_error(rc);
		else
			check_image(&e, file_size, pages[p]);
	}
}

/* ---- a second implementation of load_script()'s parsing -------------
 * Written the other way round from core/script.c: copy into a
 * NUL-padded buffer, cut the line with a NUL, then scan C strings. */

struct script_ref {
	int rc;
	size_t name, name_len, arg, arg_len;
	int has_arg;
};

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct script_ref script_ref(const uint8_t *data, size_t size)
{
	struct script_ref r = { 0, 0, 0, 0, 0, 0 };
	char b[TV_SCRIPT_BUF + 1] = { 0 };
	char *nl;
	size_t e, p, q;

	memcpy(b, data, size < TV_SCRIPT_BUF ? size : TV_SCRIPT_BUF);
	if (b[0] != '#' || b[1] != '!')
		return r;
	r.rc = -8;
	nl = memchr(b, '\n', TV_SCRIPT_BUF);
	if (nl) {
		e = (size_t)(nl - b);
	} else {
		for (p = 2; p < TV_SCRIPT_BUF && blank(b[p]); p++)
			;
		for (q = p; q < TV_SCRIPT_BUF && b[q] && !blank(b[q]); q++)
			;
		if (q >= TV_SCRIPT_BUF)
			return r;       /* all blank, or name cut off */
		e = TV_SCRIPT_BUF - 1;
	}
	while (blank(b[e - 1]))
		e--;
	for (p = 2; p < e && blank(b[p]); p++)
		;
	if (p == e)
		return r;
	b[e] = '\0';
	for (q = p; b[q] && !blank(b[q]); q++)
		;
	r.rc = 1;
	r.name = p;
	r.name_len = q - p;
	if (blank(b[q])) {
		while (blank(b[q]))
			q++;
		r.has_arg = 1;
		r.arg = q;
		r.arg_len = strlen(b + q);
	}
	return r;
}

static void fuzz_script(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *interp, *arg;
	size_t ilen, alen, max = size < TV_SCRIPT_BUF ? size : TV_SCRIPT_BUF;
	struct script_ref ref = script_ref(data, size);
	int rc = tv_script_parse(buf, size, &interp, &ilen, &arg, &alen);

	REQUIRE(rc == ref.rc);
	if (rc != 1) {
		REQUIRE(!interp && !arg && !ilen && !alen);
		return;
	}
	REQUIRE(interp == buf + ref.name && ilen == ref.name_len);
	REQUIRE(interp + ilen <= buf + max);
	REQUIRE(!memchr(interp, '\0', ilen) && !memchr(interp, ' ', ilen) &&
		!memchr(interp, '\t', ilen) && !memchr(interp, '\n', ilen));
	REQUIRE((arg != NULL) == ref.has_arg);
	if (arg) {
		REQUIRE(arg == buf + ref.arg && alen == ref.arg_len);
		REQUIRE(arg >= interp + ilen && arg + alen <= buf + max);
		REQUIRE(!memchr(arg, '\0', alen) && !memchr(arg, '\n', alen));
	} else {
		REQUIRE(alen == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_file(data, size);
	fuzz_table(data, size);
	fuzz_script(data, size);
	return 0;
}
