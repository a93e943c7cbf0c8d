/* Opening and mapping a program as execve would: #! scripts, ELF
 * executables, and their PT_INTERP. */
#ifndef TV_LOAD_H
#define TV_LOAD_H

#include "elf.h"

#define TV_MAX_SCRIPT_DEPTH 4	/* the kernel's BINPRM_MAX_RECURSION */

struct tv_program {
	const char *path;	/* the ELF file finally loaded */
	char **argv;		/* argv after #! rewriting (tv_malloc'd) */
	int argc;
	int fd;
	uint64_t size;
	struct tv_elf elf;
	const char *why;	/* for ENOEXEC: what is wrong with the file */
};

struct tv_image {
	uintptr_t bias;		/* load address minus link address */
	uintptr_t entry, phdr;
	uintptr_t end;		/* where the program's break starts (see tv_program_map) */
	uint16_t phnum;
};

/* Resolves #! chains and parses the ELF.  Returns 0 or -errno: ENOENT,
 * EACCES, EISDIR, ENOEXEC (p->why says why), ELOOP, ENOMEM. */
int tv_program_open(const char *path, char **argv, int argc, struct tv_program *p);

/* Maps an opened ELF file; the main program of type ET_DYN with a
 * PT_INTERP goes at pie_base when it is free, an interpreter (pie_base 0)
 * or a loader run directly (ET_DYN without PT_INTERP) where mmap puts it.
 * img->end is where the break starts: after the last segment, or for a
 * loader run directly as the main program, where binfmt_elf moves it
 * (ELF_ET_DYN_BASE, randomized as the kernel does).  Returns 0 or -errno
 * (p->why is set for ENOEXEC). */
int tv_program_map(struct tv_program *p, int fd, const struct tv_elf *e, uintptr_t pie_base,
		   struct tv_image *img);

/* Opens and parses the interpreter named in PT_INTERP. */
int tv_interp_open(struct tv_program *p, struct tv_program *interp);

/* Searches PATH (from envp) for name, in the tool's view or (on_host)
 * the host's; returns a tv_malloc'd path or NULL. */
char *tv_path_search(const char *name, char *const *envp, int on_host);

/* The environment whose PATH tv_set_emulator searches: this image's. */
void tv_loader_set_env(char *const *envp);

#endif
