/* tvisor-nonet: run a program without network access.  Every socket it
 * asks for outside the local (AF_UNIX) family, and every connect or bind
 * to a non-local address, fails with EACCES.  An example of the tvisor
 * API, built by tests/t-install.sh against the installed header:
 *
 *   cc $(pkg-config --cflags tvisor) -c example-nonet.c
 *   cc -o tvisor-nonet example-nonet.o $(pkg-config --libs tvisor)
 *   ./tvisor-nonet -- curl http://example.org     # fails: EACCES
 */
#include <tvisor.h>
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/socket.h>

#define AF_UNIX_FAMILY 1

static const int wanted[] = { __NR_socket, __NR_socketpair, __NR_connect, __NR_bind, -1 };
static int verbose;

static int option(int argc, char **argv)
{
	(void)argc;
	if (!tv_strcmp(argv[0], "-v") || !tv_strcmp(argv[0], "--verbose")) {
		verbose = 1;
		return 1;
	}
	return 0;
}

/* The address family an address argument names, or -1 if unreadable. */
static int family_at(long addr, long len)
{
	unsigned short family;

	if (len < (long)sizeof family || tv_mem_read(&family, (uintptr_t)addr, sizeof family))
		return -1;
	return family;
}

static enum tv_verdict on_enter(struct tv_call *c)
{
	int family;

	switch (c->nr) {
	case __NR_socket:
	case __NR_socketpair:
		family = (int)c->args[0];
		break;
	default:	/* connect, bind */
		family = family_at(c->args[1], c->args[2]);
		if (family < 0)
			return TV_RUN;	/* let the kernel say EFAULT/EINVAL */
	}
	if (family == AF_UNIX_FAMILY)
		return TV_RUN;
	if (verbose)
		tv_dprintf(2, "tvisor-nonet: %s(family %d) refused\n", tv_syscall_name(c->nr), family);
	return tv_return(c, -EACCES);
}

TV_TOOL(.name = "tvisor-nonet",
	.summary = "Run PROGRAM with network sockets refused (EACCES).",
	.usage = "  -v, --verbose        report each refused call on stderr\n",
	.syscalls = wanted,
	.option = option,
	.enter = on_enter);
