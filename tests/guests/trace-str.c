/* tvisor-trace guest for -s: a long write and a long path. */
#include <string.h>
#include <unistd.h>

int main(void)
{
	char s[101], path[80];

	memset(s, 'a', 100);
	s[100] = '\n';
	write(1, s, sizeof s);
	memset(path, 'p', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = 0;
	access(path, F_OK);
	return 0;
}
