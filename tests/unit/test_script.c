/* Hosted unit tests for core/script.c.  Table cases pin down each rule
 * of fs/binfmt_script.c; then the same lines, and a few hundred random
 * ones, are run through the real kernel with this very binary as the
 * interpreter ("echo mode"), and the argv the kernel builds must be the
 * one the parser predicts.  Prints "PASS: name" / "FAIL: name" lines;
 * exits 0 iff nothing failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "script.h"

#define ENOEXEC_RC (-8)
#define ECHO_ENV "TV_SCRIPT_TEST_ECHO"

static int failures;

static void check(const char *name, int ok)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", name);
	if (!ok)
		failures++;
}

/* ---- the parser's prediction ----------------------------------------- */

struct result {
	int rc;
	char interp[TV_SCRIPT_BUF + 1];
	int has_arg;
	char arg[TV_SCRIPT_BUF + 1];
};

static void print_str(const char *s)
{
	for (; *s; s++)
		printf(*s >= 0x20 && *s < 0x7f ? "%c" : "\\x%02x",
		       (unsigned char)*s);
}

static void print_result(const char *what, const struct result *r)
{
	printf("    %s: rc=%d interp=\"", what, r->rc);
	print_str(r->interp);
	printf("\" arg=");
	if (r->has_arg) {
		printf("\"");
		print_str(r->arg);
		printf("\"\n");
	} else {
		printf("none\n");
	}
}

/* Run the parser on an exactly sized heap copy, so ASan catches any read
 * past len, and check the pointers it returns stay inside the buffer. */
static int parse(const char *text, size_t len, struct result *r)
{
	char *buf = malloc(len ? len : 1);
	const char *interp, *arg;
	size_t ilen, alen, max = len < TV_SCRIPT_BUF ? len : TV_SCRIPT_BUF;
	int ok = 1;

	memcpy(buf, text, len);
	memset(r, 0, sizeof *r);
	r->rc = tv_script_parse(buf, len, &interp, &ilen, &arg, &alen);
	if (r->rc == 1) {
		ok = interp >= buf && interp + ilen <= buf + max &&
		     !memchr(interp, '\0', ilen) &&
		     (!arg || (arg >= buf && arg + alen <= buf + max &&
			       !memchr(arg, '\0', alen)));
		memcpy(r->interp, interp, ilen);
		r->has_arg = arg != NULL;
		if (arg)
			memcpy(r->arg, arg, alen);
	} else {
		ok = !interp && !arg && !ilen && !alen;
	}
	free(buf);
	return ok;
}

static int same(const struct result *a, const struct result *b)
{
	if (a->rc != b->rc)
		return 0;
	if (a->rc != 1)
		return 1;
	return !strcmp(a->interp, b->interp) && a->has_arg == b->has_arg &&
	       !strcmp(a->arg, b->arg);
}

/* ---- table cases ------------------------------------------------------ */

struct tcase {
	const char *name;
	const char *text;
	size_t len;
	int rc;
	const char *interp;
	const char *arg;     /* NULL: no argument */
};

#define T(name, lit, rc, interp, arg) { name, lit, sizeof lit - 1, rc, interp, arg }

static const struct tcase table[] = {
	T("empty file", "", 0, NULL, NULL),
	T("one byte", "#", 0, NULL, NULL),
	T("not #!", "#x/bin/sh\n", 0, NULL, NULL),
	T("!# reversed", "!#/bin/sh\n", 0, NULL, NULL),
	T("ELF magic", "\177ELF\2\1\1", 0, NULL, NULL),
	T("plain", "#!/bin/sh\n", 1, "/bin/sh", NULL),
	T("no newline, short file", "#!/bin/sh", 1, "/bin/sh", NULL),
	T("leading blanks", "#! \t /bin/sh\n", 1, "/bin/sh", NULL),
	T("one argument", "#!/bin/sh -e\n", 1, "/bin/sh", "-e"),
	T("tab before argument", "#!/bin/sh\t-e\n", 1, "/bin/sh", "-e"),
	T("argument keeps spaces", "#!/usr/bin/env python3 -u  -x\n", 1,
	  "/usr/bin/env", "python3 -u  -x"),
	T("trailing blanks stripped", "#!/bin/sh  -e \t \t\n", 1, "/bin/sh",
	  "-e"),
	T("trailing blanks after name", "#!/bin/sh \t \n", 1, "/bin/sh",
	  NULL),
	T("CR stays in argument", "#!/bin/sh -e\r\n", 1, "/bin/sh", "-e\r"),
	T("CR stays in name", "#!/bin/sh\r\n", 1, "/bin/sh\r", NULL),
	T("only first line", "#!/bin/sh -x\n#!/bin/bash -e\n", 1, "/bin/sh",
	  "-x"),
	T("NUL ends the name", "#!/bin/sh\0 -e\n", 1, "/bin/sh", NULL),
	T("NUL ends the argument", "#!/bin/sh -e\0x\n", 1, "/bin/sh", "-e"),
	T("NUL stops blank stripping", "#!/bin/sh -e \0\n", 1, "/bin/sh",
	  "-e "),
	T("empty argument before NUL", "#!/bin/sh \0\n", 1, "/bin/sh", ""),
	T("empty argument at end of file", "#!/bin/echo ", 1, "/bin/echo",
	  ""),
	T("empty argument at end of file after tabs", "#!/bin/echo\t\t", 1,
	  "/bin/echo", ""),
	T("#! and newline", "#!\n", ENOEXEC_RC, NULL, NULL),
	T("#! and blanks", "#!  \t \n", ENOEXEC_RC, NULL, NULL),
	T("#! and blanks, CR", "#!  \r\n", 1, "\r", NULL),
	T("#! alone", "#!", 1, "", NULL),
	T("#! and blanks at end of file", "#!  \t", 1, "", NULL),
	T("NUL right after #!", "#!\0/bin/sh\n", 1, "", NULL),
	T("NUL after blanks", "#! \0/bin/sh -e\n", 1, "", NULL),
	T("newline after NULs", "#!/bin/sh\0\0\0\n", 1, "/bin/sh", NULL),
	T("relative name", "#!sh -x\n", 1, "sh", "-x"),
};

static void test_table(void)
{
	char name[200];
	struct result got, want;
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct tcase *t = &table[i];
		int ok;

		memset(&want, 0, sizeof want);
		want.rc = t->rc;
		if (t->interp)
			strcpy(want.interp, t->interp);
		want.has_arg = t->arg != NULL;
		if (t->arg)
			strcpy(want.arg, t->arg);
		ok = parse(t->text, t->len, &got) && same(&got, &want);
		snprintf(name, sizeof name, "table: %s", t->name);
		check(name, ok);
		if (!ok) {
			print_result("got ", &got);
			print_result("want", &want);
		}
	}
}

/* ---- cases at the 256-byte edge --------------------------------------- */

/* "#!" + n copies of c, then tail, in a buffer of exactly len bytes. */
static size_t build(char *buf, size_t n, char c, const char *tail,
		    size_t len)
{
	size_t i = 0;

	buf[i++] = '#';
	buf[i++] = '!';
	while (n--)
		buf[i++] = c;
	while (*tail)
		buf[i++] = *tail++;
	while (i < len)
		buf[i++] = 'z';
	return i;
}

static void check_long(const char *name, const char *buf, size_t len,
		       int rc, size_t ilen, long alen)
{
	struct result r;
	int ok = parse(buf, len, &r) && r.rc == rc;

	if (ok && rc == 1)
		ok = strlen(r.interp) == ilen &&
		     (alen < 0 ? !r.has_arg : r.has_arg &&
		      strlen(r.arg) == (size_t)alen);
	check(name, ok);
	if (!ok)
		print_result("got", &r);
}

static void test_long(void)
{
	char buf[600];
	size_t len;

	memset(buf, ' ', sizeof buf);
	buf[0] = '#';
	buf[1] = '!';
	check_long("edge: 256 blanks, no newline", buf, 256, ENOEXEC_RC, 0,
		   -1);
	check_long("edge: 500 blanks, no newline", buf, 500, ENOEXEC_RC, 0,
		   -1);

	len = build(buf, 254, 'a', "", 256);
	check_long("edge: name fills the buffer", buf, len, ENOEXEC_RC, 0,
		   -1);
	len = build(buf, 254, 'a', "\n", 300);
	check_long("edge: newline just past the buffer", buf, len, ENOEXEC_RC,
		   0, -1);
	len = build(buf, 253, 'a', "\n", 256);
	check_long("edge: newline is the last byte", buf, len, 1, 253, -1);
	len = build(buf, 253, 'a', " ", 256);
	check_long("edge: blank is the last byte", buf, len, 1, 253, -1);
	len = build(buf, 253, 'a', "", 255);
	check_long("edge: 255-byte file, NUL padding ends the name", buf, len,
		   1, 253, -1);
	len = build(buf, 252, 'a', " b", 256);
	check_long("edge: argument byte in the last slot is dropped", buf,
		   len, 1, 252, -1);
	len = build(buf, 251, 'a', " bc", 256);
	check_long("edge: argument cut before the last byte", buf, len, 1,
		   251, 1);
	len = build(buf, 7, 'a', " ", 400);
	check_long("edge: long argument keeps bytes 10..254", buf, len, 1, 7,
		   245);
	/* "#!aaaaaaa " then x up to byte 252, blanks at 253-254 and a
	 * last byte the kernel overwrites with its NUL. */
	len = build(buf, 7, 'a', " ", 256);
	memset(buf + 10, 'x', 243);
	memcpy(buf + 253, " \tz", 3);
	check_long("edge: blanks before the last byte are stripped", buf, len,
		   1, 7, 243);
	len = build(buf, 100, ' ', "/bin/sh", 400);
	check_long("edge: name after 100 blanks, then z to the end", buf, len,
		   ENOEXEC_RC, 0, -1);
	len = build(buf, 100, ' ', "/bin/sh ", 400);
	check_long("edge: name after 100 blanks, long argument", buf, len, 1,
		   7, 254 - 110 + 1);
}

/* ---- the kernel as the oracle ----------------------------------------- */

static char dir[64];

/* Echo mode: this binary was started by the kernel as an interpreter.
 * Print argv as "<len>:<bytes>" records. */
static int echo_main(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		printf("%zu:%s", strlen(argv[i]), argv[i]);
	return 0;
}

/* Turn the interpreter's argv, "<len>:<bytes>" records, into a result:
 * the kernel passes [name, arg (if any), "./s", "X"]. */
static int parse_echo(const char *out, size_t used, struct result *r)
{
	char args[8][TV_SCRIPT_BUF + 1];
	size_t pos = 0, len;
	int n = 0;
	char *end;

	while (pos < used && n < 8) {
		len = strtoul(out + pos, &end, 10);
		if (*end != ':' || len > TV_SCRIPT_BUF ||
		    (size_t)(end + 1 - out) + len > used)
			return 0;
		memcpy(args[n], end + 1, len);
		args[n++][len] = '\0';
		pos = (size_t)(end + 1 - out) + len;
	}
	if (pos != used || n < 3 || n > 4 || strcmp(args[n - 2], "./s") ||
	    strcmp(args[n - 1], "X"))
		return 0;
	r->rc = 1;
	strcpy(r->interp, args[0]);
	r->has_arg = n == 4;
	if (n == 4)
		strcpy(r->arg, args[1]);
	return 1;
}

/* Write text to dir/s, execve it from dir and report what the kernel
 * did: rc -8 for ENOEXEC, -errno for another failure, or 1 with the
 * interpreter's name and argument as the kernel passed them. */
static int kernel_run(const char *text, size_t len, struct result *r)
{
	char path[128], out[4096];
	size_t used = 0;
	ssize_t n;
	int fd, pipefd[2], status, err;
	pid_t pid;

	memset(r, 0, sizeof *r);
	snprintf(path, sizeof path, "%s/s", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return 0;
	n = write(fd, text, len);
	if (close(fd) < 0 || n != (ssize_t)len || pipe2(pipefd, O_CLOEXEC))
		return 0;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "./s", "X", NULL };

		dup2(pipefd[1], 1);
		if (chdir(dir) == 0)
			execv("./s", argv);
		dprintf(1, "!%d", errno);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + used, sizeof out - 1 - used)) > 0)
		used += (size_t)n;
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	out[used] = '\0';
	if (out[0] == '!') {
		err = atoi(out + 1);
		r->rc = err == ENOEXEC ? ENOEXEC_RC : -err;
		return 1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	       parse_echo(out, used, r);
}

/* name, resolved from dir as the kernel does for the child, is an
 * executable regular file. */
static int is_program(const char *name)
{
	struct stat st;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ok;

	ok = dfd >= 0 && fstatat(dfd, name, &st, 0) == 0 &&
	     S_ISREG(st.st_mode) && faccessat(dfd, name, X_OK, 0) == 0;
	if (dfd >= 0)
		close(dfd);
	return ok;
}

/* The parser and the kernel agree on text.  A failure other than
 * ENOEXEC is the kernel not finding the interpreter, which is what the
 * caller of the parser would then see too: fine when the parser named an
 * interpreter that does not exist (only "i" and its spellings do). */
static int agrees(const char *text, size_t len, int verbose, int *kernel_rc)
{
	struct result want, got;
	int ok;

	if (!parse(text, len, &want) || !kernel_run(text, len, &got))
		return 0;
	*kernel_rc = got.rc;
	if (got.rc < 0 && got.rc != ENOEXEC_RC)
		ok = want.rc == 1 && !is_program(want.interp);
	else
		ok = same(&want, &got);
	if (!ok && verbose) {
		print_result("parser", &want);
		print_result("kernel", &got);
	}
	return ok;
}

/* Interpreter spellings of length n that all name dir/i, relative to
 * dir: "i", "./i", ".//i", ... */
static void interp_name(char *buf, size_t n)
{
	size_t i;

	if (n == 1) {
		strcpy(buf, "i");
		return;
	}
	buf[0] = '.';
	for (i = 1; i < n - 1; i++)
		buf[i] = '/';
	buf[n - 1] = 'i';
	buf[n] = '\0';
}

struct kcase {
	const char *name;
	const char *text;    /* '@' is replaced by "./i" */
	size_t len;
};

#define K(name, lit) { name, lit, sizeof lit - 1 }

static const struct kcase kcases[] = {
	K("plain", "#!@\n"),
	K("no newline", "#!@"),
	K("leading blanks", "#! \t@ -e\n"),
	K("argument with spaces", "#!@ a  b\tc\n"),
	K("trailing blanks", "#!@ -e \t \n"),
	K("trailing blanks, no argument", "#!@ \t\n"),
	K("CR in argument", "#!@ -e\r\n"),
	K("NUL ends the name", "#!@\0 -e\n"),
	K("NUL ends the argument", "#!@ -e\0x\n"),
	K("NUL stops blank stripping", "#!@ -e \0\n"),
	K("empty argument before NUL", "#!@ \0\n"),
	K("empty argument at end of file", "#!@ "),
	K("second line ignored", "#!@ -x\n#!@ -y\n"),
	K("#! and newline", "#!\n"),
	K("#! and blanks", "#! \t \n"),
	K("#! alone", "#!"),
	K("NUL after blanks", "#! \0@\n"),
};

/* Replace each '@' by "./i" in a copy of a table entry. */
static size_t expand(const struct kcase *k, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < k->len; i++) {
		if (k->text[i] == '@') {
			memcpy(out + n, "./i", 3);
			n += 3;
		} else {
			out[n++] = k->text[i];
		}
	}
	return n;
}

static void test_kernel_table(void)
{
	char text[256], name[200];
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof kcases / sizeof kcases[0]; i++) {
		len = expand(&kcases[i], text);
		snprintf(name, sizeof name, "kernel: %s", kcases[i].name);
		check(name, agrees(text, len, 1, &rc));
	}
}

/* Names that end at, or run past, byte 255; arguments cut there. */
static void test_kernel_edges(void)
{
	char text[600], name[200];
	static const char *const tails[] = {
		"", " ", "\n", " x", "  ", " xy", "\t\n", " ab cd\n",
	};
	size_t n, t, len;
	int rc;

	for (n = 245; n <= 256; n++) {
		for (t = 0; t < sizeof tails / sizeof tails[0]; t++) {
			text[0] = '#';
			text[1] = '!';
			interp_name(text + 2, n);
			len = 2 + n;
			memcpy(text + len, tails[t], strlen(tails[t]));
			len += strlen(tails[t]);
			/* Half the files end right there, half go on. */
			if (t & 1) {
				memset(text + len, 'q', 300);
				len += 300;
			}
			snprintf(name, sizeof name,
				 "kernel: name of %zu bytes, tail %zu", n, t);
			check(name, agrees(text, len, 1, &rc));
		}
	}
}

/* Random first lines from a small alphabet that makes every rule fire:
 * blanks, NULs, CRs, newlines, the real interpreter and names that do
 * not exist, at lengths on both sides of 256. */
static size_t random_line(char *buf)
{
	static const char junk[] = " \t\r\0ab/";
	size_t len = 0, n, i;

	buf[len++] = '#';
	buf[len++] = '!';
	for (n = (size_t)rand() % 4; n; n--)
		buf[len++] = " \t"[rand() % 2];
	if (rand() % 8 == 0) {
		/* Blanks only, or a name without terminator, running past
		 * the buffer: ENOEXEC unless a rare NUL or blank lands
		 * before byte 256. */
		const char *set = rand() % 2 ? " \t" : "ab/";
		size_t set_len = strlen(set);

		for (n = 200 + (size_t)rand() % 100; n; n--)
			buf[len++] = rand() % 100 ? set[(size_t)rand() % set_len]
						  : " \0"[rand() % 2];
		return len;
	}
	if (rand() % 4) {
		n = rand() % 2 ? 3 : 1 + (size_t)rand() % 256;
		interp_name(buf + len, n);
		len += n;
		if (rand() % 4)
			buf[len++] = " \t\0\n"[rand() % 4];
	} else {
		for (n = (size_t)rand() % 8; n; n--)
			buf[len++] = junk[rand() % (sizeof junk - 1)];
	}
	for (n = (size_t)rand() % (rand() % 4 ? 16 : 300); n; n--) {
		i = (size_t)rand() % (sizeof junk - 1 + 3);
		buf[len++] = i < sizeof junk - 1 ? junk[i] : "xyz"[i - 7];
	}
	if (rand() % 3)
		buf[len++] = '\n';
	for (n = (size_t)rand() % 4 ? 0 : (size_t)rand() % 300; n; n--)
		buf[len++] = "ab \n"[rand() % 4];
	return len;
}

static void test_kernel_random(int count)
{
	char text[1200], name[160];
	int i, rc, bad = 0, ran = 0, noexec = 0;

	srand(12345);
	for (i = 0; i < count; i++) {
		size_t len = random_line(text);

		rc = 0;
		if (!agrees(text, len, bad < 5, &rc)) {
			printf("FAIL: kernel: random line %d\n", i);
			bad++;
		}
		ran += rc == 1;
		noexec += rc == ENOEXEC_RC;
	}
	snprintf(name, sizeof name, "kernel: %d random lines agree (%d ran "
		 "the interpreter, %d ENOEXEC, %d other errors)", count, ran,
		 noexec, count - ran - noexec);
	check(name, bad == 0);
	failures += bad;
}

/* The oracle needs a directory holding the interpreter "i" (a link to
 * this binary, which runs in echo mode under ECHO_ENV) and the script
 * "s". */
static int setup_dir(void)
{
	char self[4096], link[128];
	const char *tmp = getenv("TMPDIR");
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n <= 0)
		return 0;
	self[n] = '\0';
	snprintf(dir, sizeof dir, "%s/tvscript.XXXXXX",
		 tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 0;
	snprintf(link, sizeof link, "%s/i", dir);
	return symlink(self, link) == 0 && setenv(ECHO_ENV, "1", 1) == 0;
}

static void cleanup_dir(void)
{
	char path[128];

	snprintf(path, sizeof path, "%s/i", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/s", dir);
	unlink(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	if (getenv(ECHO_ENV))
		return echo_main(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_table();
	test_long();
	check("kernel: set up the interpreter directory", setup_dir());
	test_kernel_table();
	test_kernel_edges();
	test_kernel_random(400);
	cleanup_dir();
	return failures != 0;
}
