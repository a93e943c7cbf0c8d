/* origin (dynamic flavours only): a program linked against a shared library
 * found through DT_RUNPATH $ORIGIN, which the dynamic loader resolves from
 * /proc/self/exe; then dlopen() of a plugin by name (found through the
 * program's RUNPATH), which dlopen()s again.  Prints values and the
 * basenames of the loaded objects.  TV_LIBC is defined by guests.mk. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

int tv_origin_value(int x);

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int show(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	const char *n = info->dlpi_name;
	/* only our libraries: the libc's own object names differ by libc */
	if (n && strstr(n, "libtv"))
		printf("  loaded: %s\n", base(n));
	return 0;
}

int main(void)
{
	printf("origin: linked library value=%d\n", tv_origin_value(5));
	printf("objects before dlopen:\n");
	dl_iterate_phdr(show, NULL);

	void *h = dlopen("libtvplugin-" TV_LIBC ".so", RTLD_NOW);
	if (!h) {
		printf("dlopen plugin failed\n");
		return 1;
	}
	int (*f)(int) = (int (*)(int))dlsym(h, "tv_plugin_value");
	printf("plugin value=%d\n", f ? f(7) : -100);
	Dl_info di;
	if (f && dladdr((void *)f, &di))
		printf("dladdr(plugin function) file=%s symbol=%s\n", base(di.dli_fname),
		       di.dli_sname ? di.dli_sname : "(null)");
	printf("objects after dlopen:\n");
	dl_iterate_phdr(show, NULL);
	printf("dlopen missing library fails: %s\n",
	       dlopen("libtv-does-not-exist.so", RTLD_NOW) == NULL ? "yes" : "no");
	dlclose(h);
	printf("origin: done\n");
	return 0;
}
