/* Syscall names of the target architecture, from the table generated at
 * build time from libseccomp (gen/sysnames.h). */
#include "rt.h"
#include "sysnames.h"

const char *tv_syscall_name(long nr)
{
	size_t lo = 0, hi = TV_SYSNAMES_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tv_sysnames[mid].nr == nr)
			return tv_sysnames[mid].name;
		if (tv_sysnames[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

long tv_syscall_number(const char *name)
{
	for (size_t i = 0; i < TV_SYSNAMES_COUNT; i++) {
		if (!tv_strcmp(tv_sysnames[i].name, name))
			return tv_sysnames[i].nr;
	}
	return -1;
}

long tv_syscall_max(void)
{
	return TV_NR_MAX;
}
