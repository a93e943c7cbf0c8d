#!/bin/sh
# A #! script for dash.  Shell builtins only: no pipelines, no command
# substitution, no external commands, so the shell never forks.
echo "script: argc=$#"
for a in "$@"; do
	echo "arg: [$a]"
done
echo "\$0 basename: ${0##*/}"
i=0 sum=0
while [ $i -lt 1000 ]; do
	i=$((i + 1))
	sum=$((sum + i * i))
done
echo "sum of squares 1..1000 = $sum"
x=archive.tar.gz
echo "${x%%.*} ${x#*.} ${x%.*} ${#x}"
case $x in
*.tar.gz) echo "case: tarball" ;;
*) echo "case: other" ;;
esac
printf '%s|%5d|%-4s|%x\n' printf 42 ab 255
set -- one two three
shift
echo "after shift: $# $*"
n=0
while read -r line; do
	n=$((n + 1))
done
echo "stdin lines: $n"
unset x
echo "unset x: ${x-gone}"
exit 7
