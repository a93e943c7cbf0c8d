# tests/trace-join.awk: the lines of strace -f -o (or tvisor-trace's),
# "PID  text", as one sequence per thread: each thread's lines in order,
# the threads in the order they first appear, a call cut by another
# thread's line ("NAME(... <unfinished ...>", later "<... NAME resumed>...")
# joined again.  Prints the text alone, or with
#   rename=1  each line led by its thread's name, P1, P2..., and the pids
#             of the trace named so wherever they stand in a line (mask
#             addresses first, so that none is found inside one)
#   nosig=1   without the "--- SIG..." lines
function pids(l,   out, num, pre, post) {
	out = ""
	while (match(l, /[0-9]+/)) {
		num = substr(l, RSTART, RLENGTH)
		pre = substr(l, RSTART - 1, 1); post = substr(l, RSTART + RLENGTH, 1)
		if ((num in name) && pre !~ /[A-Za-z0-9]/ && post !~ /[A-Za-z0-9]/)
			num = name[num]
		out = out substr(l, 1, RSTART - 1) num
		l = substr(l, RSTART + RLENGTH)
	}
	return out l
}
/^[0-9]+ / {
	pid = $1; line = $0; sub(/^[0-9]+ +/, "", line)
	if (!(pid in name)) { name[pid] = "P" (++n); order[n] = pid }
	if (nosig && line ~ /^---/) next
	if (line ~ /^<\.\.\. [a-z0-9_]+ resumed>/) {
		sub(/^<\.\.\. [a-z0-9_]+ resumed>/, "", line)
		text[pid, cnt[pid]] = text[pid, cnt[pid]] line
		next
	}
	sub(/ <unfinished \.\.\.>$/, "", line)
	text[pid, ++cnt[pid]] = line
}
END {
	for (i = 1; i <= n; i++)
		for (k = 1; k <= cnt[order[i]]; k++) {
			l = text[order[i], k]
			if (rename) {
				l = pids(l)
				sub(/ +=  ?/, " = ", l)
				l = name[order[i]] " " l
			}
			print l
		}
}
