/* The loader: as fs/binfmt_script.c and fs/binfmt_elf.c, in user space. */
#include <linux/fcntl.h>
#include <linux/mman.h>
#include <linux/personality.h>
#include <linux/random.h>
#include <linux/stat.h>
#include <linux/errno.h>
#include "monitor.h"
#include "load.h"
#include "script.h"

#define HEADER_READ 4096
#define X_OK 1
#define BRK_RANDOM (1ul << 30)	/* arch_randomize_brk's range on x86_64 and arm64 */

extern const char __ehdr_start[];	/* the monitor's own image */
extern const char _end[];

static char *const *emulator;		/* tv_set_emulator's argv, or NULL */
static char *emulator_path;		/* its argv[0], found in the host's PATH */
static char *const *monitor_envp;	/* this image's environment */

void tv_loader_set_env(char *const *envp)
{
	monitor_envp = envp;
}

int tv_set_emulator(char *const *argv)
{
	emulator = NULL;
	if (!argv || !argv[0])
		return 0;
	emulator_path = tv_strchr(argv[0], '/') ? argv[0] : tv_path_search(argv[0], monitor_envp, 1);
	if (!emulator_path)
		return -ENOENT;
	emulator = argv;
	return 0;
}

/* The guest names files in its own view; a tool (tvisor-fs) may say
 * where they are on the host.  The emulator is a host path. */
static int open_exec(const char *guest_path, int on_host, uint64_t *size)
{
	char host[4096];
	const char *path = guest_path;

	if (tv_tool.host_path && !on_host) {
		int r = tv_tool.host_path(guest_path, host, sizeof host);
		if (r < 0)
			return r;
		path = host;
	}
	int fd = (int)tv_sys4(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	struct statx st;
	long r = tv_syscall6(__NR_statx, fd, (long)"", AT_EMPTY_PATH, STATX_MODE | STATX_SIZE,
			     (long)&st, 0);
	if (r == 0 && (st.stx_mode & S_IFMT) == S_IFDIR)
		r = -EACCES;	/* what execve says of a directory */
	else if (r == 0 && (st.stx_mode & S_IFMT) != S_IFREG)
		r = -EACCES;
	else if (r == 0)
		r = tv_sys4(__NR_faccessat, AT_FDCWD, (long)path, X_OK, 0);
	if (r < 0) {
		tv_sys1(__NR_close, fd);
		return (int)r;
	}
	*size = st.stx_size;
	return fd;
}

/* argv for a script: interpreter, its optional argument, the script's
 * path, then the original arguments after argv[0]. */
static char **script_argv(const char *interp, const char *arg, const char *path, char **argv,
			  int argc, int *new_argc)
{
	int n = 2 + (arg != NULL) + (argc > 1 ? argc - 1 : 0);
	char **v = tv_calloc((size_t)n + 1, sizeof *v);
	int k = 0;

	if (!v)
		return NULL;
	v[k++] = (char *)interp;
	if (arg)
		v[k++] = (char *)arg;
	v[k++] = (char *)path;
	for (int i = 1; i < argc; i++)
		v[k++] = argv[i];
	*new_argc = k;
	return v;
}

/* argv for a program of another machine: the emulator's words, "-0",
 * the program's argv[0] (its path when it has none), its path, then its
 * other arguments. */
static char **emulator_argv(const char *path, char **argv, int argc, int *new_argc)
{
	int ne = 0;
	while (emulator[ne])
		ne++;
	char **v = tv_calloc((size_t)ne + 3 + (size_t)(argc > 1 ? argc : 1), sizeof *v);
	int k = 0;

	if (!v)
		return NULL;
	for (int i = 0; i < ne; i++)
		v[k++] = emulator[i];
	v[k++] = "-0";
	v[k++] = (char *)(argc > 0 ? argv[0] : path);
	v[k++] = (char *)path;
	for (int i = 1; i < argc; i++)
		v[k++] = argv[i];
	*new_argc = k;
	return v;
}

static char *strndup_(const char *s, size_t n)
{
	char *d = tv_malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/* 0, -ENOEXEC, or 1 for a well-formed ELF of another machine. */
static int parse_elf(struct tv_program *p, const char *buf, size_t len)
{
	int r = tv_elf_parse_ehdr(buf, len, p->size, TV_ELF_MACHINE, &p->elf);
	if (r == -TV_ELF_EMACHINE)
		return 1;
	if (r == 0) {
		size_t ph_size = (size_t)p->elf.phnum * p->elf.phentsize;
		char *ph = tv_malloc(ph_size);
		if (!ph)
			return -ENOMEM;
		long got = tv_pread_all(p->fd, ph, ph_size, (long)p->elf.phoff);
		r = got == (long)ph_size ? tv_elf_parse_phdrs(ph, ph_size, p->size, TV_PAGE, &p->elf)
					 : -TV_ELF_ETRUNC;
		tv_free(ph);
	}
	if (r < 0) {
		p->why = tv_elf_strerror(r);
		return -ENOEXEC;
	}
	return 0;
}

int tv_program_open(const char *path, char **argv, int argc, struct tv_program *p)
{
	static char buf[HEADER_READ];

	int emulated = 0;

	p->argv = argv;
	p->argc = argc;
	p->why = NULL;
	for (int depth = 0;; depth++) {
		p->path = path;
		p->fd = open_exec(path, emulated, &p->size);
		if (p->fd < 0)
			return p->fd;
		long len = tv_pread_all(p->fd, buf, sizeof buf, 0);
		if (len < 0)
			return (int)len;
		const char *interp, *arg;
		size_t ilen, alen;
		int s = tv_script_parse(buf, (size_t)len < TV_SCRIPT_BUF ? (size_t)len : TV_SCRIPT_BUF,
					&interp, &ilen, &arg, &alen);
		if (s == 0) {
			int r = parse_elf(p, buf, (size_t)len);
			if (r <= 0)
				return r;
			/* Another machine's: its emulator, once, for a program
			 * (not a PT_INTERP, which has no argv). */
			tv_sys1(__NR_close, p->fd);
			if (!emulator || emulated || !argv) {
				p->why = tv_elf_strerror(-TV_ELF_EMACHINE);
				return -ENOEXEC;
			}
			p->argv = emulator_argv(path, p->argv, p->argc, &p->argc);
			if (!p->argv)
				return -ENOMEM;
			path = emulator_path;
			emulated = 1;
			continue;
		}
		tv_sys1(__NR_close, p->fd);
		if (emulated) {
			p->why = "the emulator is a script";
			return -ENOEXEC;
		}
		if (s < 0) {
			p->why = "bad #! line";
			return -ENOEXEC;
		}
		if (depth == TV_MAX_SCRIPT_DEPTH)
			return -ELOOP;
		char *iname = strndup_(interp, ilen);
		char *iarg = arg ? strndup_(arg, alen) : NULL;
		if (!iname || (arg && !iarg))
			return -ENOMEM;
		p->argv = script_argv(iname, iarg, path, p->argv, p->argc, &p->argc);
		if (!p->argv)
			return -ENOMEM;
		path = iname;
	}
}

int tv_interp_open(struct tv_program *p, struct tv_program *interp)
{
	uint64_t size = p->elf.interp_size;
	char *name = tv_malloc(size);

	if (!name)
		return -ENOMEM;
	if (tv_pread_all(p->fd, name, size, (long)p->elf.interp_offset) != (long)size ||
	    tv_elf_check_interp(name, size) < 0) {
		p->why = "bad PT_INTERP";
		return -ENOEXEC;
	}
	int r = tv_program_open(name, NULL, 0, interp);
	if (r == 0 && interp->elf.interp_size) {
		interp->why = "interpreter has an interpreter";
		r = -ENOEXEC;
	}
	if (r < 0 && r != -ENOEXEC)
		p->why = name;	/* the caller names the missing interpreter */
	return r;
}

static int prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

static int overlaps_monitor(uintptr_t lo, uintptr_t hi)
{
	return lo < (uintptr_t)_end && hi > (uintptr_t)__ehdr_start;
}

/* Reserve the whole span first, so segments land at fixed offsets from
 * each other and nothing else can sit in the holes. */
static long reserve(const struct tv_elf *e, uintptr_t pie_base)
{
	uint64_t span = e->hi - e->lo;

	if (e->type != ET_DYN) {
		if (overlaps_monitor(e->lo, e->hi))
			return -EEXIST;
		return (long)tv_mmap((void *)e->lo, span, PROT_NONE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	}
	uint64_t extra = e->align > TV_PAGE ? e->align - TV_PAGE : 0;
	long r = (long)tv_mmap((void *)pie_base, span + extra, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tv_is_err(r))
		return r;
	uintptr_t start = ((uintptr_t)r + extra) & ~(e->align - 1);
	if (start > (uintptr_t)r)
		tv_munmap((void *)r, start - (uintptr_t)r);
	if ((uintptr_t)r + span + extra > start + span)
		tv_munmap((void *)(start + span), (uintptr_t)r + extra - start);
	return (long)start;
}

static int map_segment(int fd, const struct tv_elf_load *l, uintptr_t bias)
{
	uintptr_t va = l->vaddr + bias;
	uintptr_t page = va & ~(TV_PAGE - 1);
	uintptr_t file_end = va + l->filesz;
	uintptr_t mem_end = (va + l->memsz + TV_PAGE - 1) & ~(TV_PAGE - 1);
	uintptr_t file_page_end = (file_end + TV_PAGE - 1) & ~(TV_PAGE - 1);
	int prot = prot_of(l->flags);
	long r;

	if (l->filesz) {
		/* Writable while we clear the bss part of the last file page. */
		int map_prot = l->memsz > l->filesz ? prot | PROT_WRITE : prot;
		r = (long)tv_mmap((void *)page, file_page_end - page, map_prot,
				  MAP_PRIVATE | MAP_FIXED, fd, (long)(l->offset - (va - page)));
		if (tv_is_err(r))
			return (int)r;
		if (l->memsz > l->filesz) {
			memset((void *)file_end, 0, file_page_end - file_end);
			if (map_prot != prot)
				tv_sys3(__NR_mprotect, (long)page, (long)(file_page_end - page), prot);
		}
	} else {
		file_page_end = page;
	}
	if (mem_end > file_page_end) {
		r = (long)tv_mmap((void *)file_page_end, mem_end - file_page_end, prot,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (tv_is_err(r))
			return (int)r;
	}
	return 0;
}

/* Does the kernel randomize the break?  PF_RANDOMIZE (no
 * ADDR_NO_RANDOMIZE in the personality) and randomize_va_space 2. */
static int brk_randomized(void)
{
	char c = 0;

	if (tv_sys1(__NR_personality, 0xffffffff) & ADDR_NO_RANDOMIZE)
		return 0;
	long fd = tv_sys4(__NR_openat, AT_FDCWD, (long)"/proc/sys/kernel/randomize_va_space",
			  O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	tv_pread_all((int)fd, &c, 1, 0);
	tv_sys1(__NR_close, fd);
	return c >= '2';
}

/* Where binfmt_elf starts the break of a loader run directly (ET_DYN
 * without PT_INTERP, e.g. a static-PIE): not after its bss, which is in
 * the mmap area, but at ELF_ET_DYN_BASE (two thirds of the address space,
 * of which pie_base is the page below), where programs with an
 * interpreter go; then moved by up to BRK_RANDOM as arch_randomize_brk
 * does. */
static uintptr_t loader_brk(uintptr_t pie_base)
{
	uintptr_t brk = pie_base + TV_PAGE;
	uint64_t r;

	if (brk_randomized() &&
	    tv_sys3(__NR_getrandom, (long)&r, sizeof r, GRND_NONBLOCK) == (long)sizeof r)
		brk += r % (BRK_RANDOM / TV_PAGE) * TV_PAGE;
	return brk;
}

static uintptr_t image_end(const struct tv_elf *e, uintptr_t bias)
{
	uintptr_t end = 0;

	for (int i = 0; i < e->nloads; i++) {
		uintptr_t seg_end = e->loads[i].vaddr + e->loads[i].memsz + bias;
		if (seg_end > end)
			end = seg_end;
	}
	return end;
}

int tv_program_map(struct tv_program *p, int fd, const struct tv_elf *e, uintptr_t pie_base,
		   struct tv_image *img)
{
	/* A loader goes where mmap puts it (binfmt_elf's load_bias 0). */
	int loader = e->type == ET_DYN && !e->interp_size;
	long start = reserve(e, loader ? 0 : pie_base);
	if (tv_is_err(start)) {
		if (start == -EEXIST)
			p->why = "segments overlap the monitor or another mapping";
		return start == -EEXIST ? -ENOEXEC : (int)start;
	}
	img->bias = (uintptr_t)start - e->lo;
	for (int i = 0; i < e->nloads; i++) {
		int r = map_segment(fd, &e->loads[i], img->bias);
		if (r < 0)
			return r;
	}
	img->entry = e->entry + img->bias;
	img->phdr = e->phdr_vaddr ? e->phdr_vaddr + img->bias : 0;
	img->phnum = e->phnum;
	img->end = loader && pie_base ? loader_brk(pie_base) : image_end(e, img->bias);
	return 0;
}

char *tv_path_search(const char *name, char *const *envp, int on_host)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin";

	for (; envp && *envp; envp++) {
		if (!tv_strncmp(*envp, "PATH=", 5)) {
			path = *envp + 5;
			break;
		}
	}
	size_t nlen = tv_strlen(name);
	while (1) {
		const char *end = tv_strchr(path, ':');
		size_t dlen = end ? (size_t)(end - path) : tv_strlen(path);
		char *full = tv_malloc(dlen + nlen + 2);
		if (!full)
			return NULL;
		memcpy(full, dlen ? path : ".", dlen ? dlen : 1);
		size_t k = dlen ? dlen : 1;
		full[k++] = '/';
		memcpy(full + k, name, nlen + 1);
		/* Through the tool's view of the file system, as the loader. */
		uint64_t size;
		int fd = open_exec(full, on_host, &size);
		if (fd >= 0) {
			tv_sys1(__NR_close, fd);
			return full;
		}
		tv_free(full);
		if (!end)
			return NULL;
		path = end + 1;
	}
}
