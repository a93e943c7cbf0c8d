/* tvisor-trace guest: a failing execve, then one of itself; the trace
 * (and the -c counts) must go on in the new image, in the same file. */
#include <unistd.h>

int main(int argc, char **argv)
{
	char *again[] = { argv[0], "again", NULL };
	char *none[] = { "none", NULL };

	if (argc > 1) {
		write(1, "after\n", 6);
		return 0;
	}
	write(1, "before\n", 7);
	execve("/nonexistent/trace-exec", none, none);
	execve(argv[0], again, NULL);
	return 1;
}
