#!/bin/sh
# make-project.sh: build a small C project with `make -j2` in a scratch
# directory -- make forks shells that run gcc, which runs cc1, as and
# collect2/ld, all in parallel -- then run the result, rebuild after a
# header changes, and fail a build on purpose.  Prints only deterministic
# output (no paths, no timings, no compiler messages).
set -u
dir=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-make.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 2

cat >shapes.h <<'EOF'
#define SCALE 3
long area_square(long s);
long area_rect(long a, long b);
long perimeter_square(long s);
long sum_to(long n);
EOF
cat >square.c <<'EOF'
#include "shapes.h"
long area_square(long s) { return s * s * SCALE; }
long perimeter_square(long s) { return 4 * s * SCALE; }
EOF
cat >rect.c <<'EOF'
#include "shapes.h"
long area_rect(long a, long b) { return a * b * SCALE; }
EOF
cat >sum.c <<'EOF'
#include "shapes.h"
long sum_to(long n) { long s = 0; for (long i = 1; i <= n; i++) s += i; return s * SCALE; }
EOF
cat >main.c <<'EOF'
#include <stdio.h>
#include "shapes.h"
int main(void)
{
	printf("square %ld rect %ld perimeter %ld sum %ld\n", area_square(7), area_rect(3, 4),
	       perimeter_square(5), sum_to(100));
	return 0;
}
EOF
cat >Makefile <<'EOF'
CC = gcc
CFLAGS = -O2 -Wall
OBJS = main.o square.o rect.o sum.o
prog: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c shapes.h
	$(CC) $(CFLAGS) -c $<
check: prog
	./prog > out.txt
	grep -q 'square 147 rect 36 perimeter 60 sum 15150' out.txt
clean:
	rm -f prog $(OBJS) out.txt
.PHONY: check clean
EOF

make -j2 -s >make.log 2>&1
echo "build: status $?"
cat make.log
./prog
make -j2 -s check >/dev/null 2>&1
echo "check: status $?"
make -s -q prog
echo "up to date: status $?"
sed -i 's/SCALE 3/SCALE 2/' shapes.h
make -j2 -s >/dev/null 2>&1
echo "rebuild: status $?"
./prog
echo 'int broken(void) { return undeclared; }' >broken.c
make -s broken.o >/dev/null 2>&1
echo "broken: status $?"
make -j2 -s clean
ls
