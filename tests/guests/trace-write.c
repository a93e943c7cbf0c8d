/* tvisor-trace differential guest: writes with strings that need
 * escaping, to stdout and stderr, and a writev. */
#include <unistd.h>
#include <sys/uio.h>

int main(void)
{
	static const char esc[] = "tab\there \"quoted\" back\\slash \033[1mbold\033[0m \0017\n";
	struct iovec iov[2] = { { "first ", 6 }, { "second\n", 7 } };

	write(1, "hello, world\n", 13);
	write(2, "to stderr\n", 10);
	write(1, esc, sizeof esc - 1);
	write(1, "\0\1\2\377\n", 5);
	writev(1, iov, 2);
	return 0;
}
