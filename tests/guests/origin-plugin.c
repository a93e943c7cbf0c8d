/* dlopen()ed by origin.c; itself dlopen()s the $ORIGIN library again
 * (nested dlopen, resolved through this plugin's own DT_RUNPATH).
 * TV_LIBC ("gnu" or "musl") is defined by guests.mk. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

int tv_plugin_value(int x)
{
	void *h = dlopen("libtvorigin-" TV_LIBC ".so", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -1;
	int (*f)(int) = (int (*)(int))dlsym(h, "tv_origin_value");
	int r = f ? f(x) * 2 : -2;
	dlclose(h);
	return r;
}
