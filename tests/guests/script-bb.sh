#!/usr/bin/busybox sh
# A #! script with a static interpreter that takes an argument ("sh"):
# the kernel runs "/usr/bin/busybox sh SCRIPT ARGS".  ash builtins only.
echo "busybox script: argc=$#"
for a in "$@"; do
	echo "arg: [$a]"
done
i=0
f=1
while [ $i -lt 15 ]; do
	i=$((i + 1))
	f=$((f * i))
done
echo "15! = $f"
s="The quick brown fox"
echo "${s/quick/slow} ${#s} ${s:4:5}"
printf '%08.3f\n' 3.14159
exit 0
