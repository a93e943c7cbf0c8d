/* churn: create and join 3000 threads one after another.  A monitor that
 * leaks per-thread state (stacks, altstacks, pair threads) grows the address
 * space; natively the libc's stack cache keeps it flat.  VmSize/VmRSS come
 * from /proc/self/status after 200 and after 3000 threads; only "ok" is
 * printed unless VmSize grew by 8 MiB or more. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOTAL 3000
#define WARMUP 200

static void *work(void *arg)
{
	uintptr_t x = (uintptr_t)arg, h = 2166136261u;
	volatile char scratch[256];
	for (int i = 0; i < 256; i++) {
		scratch[i] = (char)(x + i);
		h = (h ^ (unsigned char)scratch[i]) * 16777619u;
	}
	return (void *)(h & 0xffff);
}

static void status(long *vmsize, long *vmrss)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	*vmsize = *vmrss = -1;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "VmSize:", 7))
			*vmsize = strtol(line + 7, NULL, 10);
		else if (!strncmp(line, "VmRSS:", 6))
			*vmrss = strtol(line + 6, NULL, 10);
	}
	fclose(f);
}

int main(void)
{
	long size1 = 0, rss1 = 0, size2, rss2;
	unsigned long sum = 0;

	for (int i = 1; i <= TOTAL; i++) {
		pthread_t t;
		void *rv;
		if (pthread_create(&t, NULL, work, (void *)(uintptr_t)i)) {
			printf("churn: pthread_create failed at %d\n", i);
			return 1;
		}
		if (pthread_join(t, &rv)) {
			printf("churn: pthread_join failed at %d\n", i);
			return 1;
		}
		sum += (uintptr_t)rv;
		if (i == WARMUP)
			status(&size1, &rss1);
	}
	status(&size2, &rss2);
	printf("churn: %d threads, checksum %lu\n", TOTAL, sum);
	if (size1 > 0 && size2 > 0 && size2 - size1 < 8 * 1024)
		printf("churn: ok\n");
	else
		printf("churn: VmSize %ld kB -> %ld kB, VmRSS %ld kB -> %ld kB\n", size1,
		       size2, rss1, rss2);
	return 0;
}
