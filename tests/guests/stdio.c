/* stdio: copies stdin to stdout line by line, each line reversed (bytes,
 * without the newline); the number of lines and bytes goes to stderr.
 * Lines of any length are handled; a last line without a newline is written
 * without one.  Exits 0. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lines = 0, bytes = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		int nl = line[n - 1] == '\n';
		size_t len = (size_t)n - nl;
		for (size_t i = 0; i < len / 2; i++) {
			char t = line[i];
			line[i] = line[len - 1 - i];
			line[len - 1 - i] = t;
		}
		fwrite(line, 1, (size_t)n, stdout);
		lines++;
		bytes += n;
	}
	free(line);
	if (ferror(stdin)) {
		perror("stdio: read");
		return 1;
	}
	if (fflush(stdout) != 0) {
		perror("stdio: write");
		return 1;
	}
	fprintf(stderr, "stdio: %ld lines, %ld bytes\n", lines, bytes);
	return 0;
}
