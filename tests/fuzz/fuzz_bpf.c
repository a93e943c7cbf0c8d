/* libFuzzer target for core/bpf.c, the classic-BPF checker and
 * interpreter the monitor runs a guest's own seccomp filters with.
 *
 * Input: a struct seccomp_data (64 bytes), then instructions (8 bytes
 * each).  The program is run as given, and once "repaired" (each
 * instruction made one the checker may accept, jumps in range, a final
 * RET) so that most runs get past the checker.  Every run must end (all
 * jumps are forward), stay in bounds (the program is copied into a buffer
 * of its exact size, for ASan) and agree:
 *   - tv_bpf_check returns 0 or -EINVAL, and tv_bpf_run gives
 *     SECCOMP_RET_KILL_PROCESS for a program it refuses;
 *   - for an accepted program, tv_bpf_run, tv_bpf_run_checked and a second,
 *     independently written interpreter (below) return the same value;
 *   - tv_bpf_run_checked on a refused program must merely not crash.
 * test_bpf compares the checker with the kernel itself.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I core \
 *         tests/fuzz/fuzz_bpf.c core/bpf.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"

#include "require.h"

/* ---- a second interpreter, for programs the checker accepted --------
 * Dispatches on the instruction class, where core/bpf.c dispatches on
 * whole opcodes; loads words with memcpy. */

static uint32_t ref_alu(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV: return a / v;
	case BPF_AND: return a & v;
	case BPF_OR:  return a | v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return a << (v & 31);
	case BPF_RSH: return a >> (v & 31);
	}
	return -a;      /* BPF_NEG */
}

static int ref_taken(uint16_t op, uint32_t a, uint32_t v)
{
	return op == BPF_JEQ ? a == v : op == BPF_JGT ? a > v :
	       op == BPF_JGE ? a >= v : (a & v) != 0;
}

static uint32_t ref_run(const struct sock_filter *p, size_t len,
			const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, m[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &p[pc];
		uint32_t v = BPF_SRC(f->code) == BPF_X ? x : f->k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (BPF_MODE(f->code) == BPF_ABS)
				memcpy(&a, (const char *)d + f->k, sizeof a);
			else
				a = BPF_MODE(f->code) == BPF_IMM ? f->k :
				    BPF_MODE(f->code) == BPF_LEN ? sizeof *d : m[f->k];
			break;
		case BPF_LDX:
			x = BPF_MODE(f->code) == BPF_IMM ? f->k :
			    BPF_MODE(f->code) == BPF_LEN ? sizeof *d : m[f->k];
			break;
		case BPF_ST:  m[f->k] = a; break;
		case BPF_STX: m[f->k] = x; break;
		case BPF_ALU:
			if (BPF_OP(f->code) == BPF_DIV && v == 0)
				return 0;       /* the kernel's "return 0" */
			a = ref_alu(BPF_OP(f->code), a, v);
			break;
		case BPF_JMP:
			pc += BPF_OP(f->code) == BPF_JA ? f->k :
			      ref_taken(BPF_OP(f->code), a, v) ? f->jt : f->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	REQUIRE(!"an accepted program fell off its end");
	return 0;
}

/* ---- repairing a program ------------------------------------------- */

static const uint16_t codes[] = {
	BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
	BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM,
	BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
	BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_ALU | BPF_NEG,
	BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_ADD | BPF_X,
	BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_SUB | BPF_X,
	BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_MUL | BPF_X,
	BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
	BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_AND | BPF_X,
	BPF_ALU | BPF_OR | BPF_K, BPF_ALU | BPF_OR | BPF_X,
	BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_XOR | BPF_X,
	BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
	BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_RSH | BPF_X,
	BPF_JMP | BPF_JA,
	BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X,
	BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
	BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGE | BPF_X,
	BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JSET | BPF_X,
};

/* Makes f an instruction the checker accepts at pc, but for the
 * load-after-store analysis, which is left for the checker to judge. */
static void repair(struct sock_filter *f, size_t pc, size_t len)
{
	size_t room = len - pc - 1;     /* instructions after this one */

	f->code = codes[f->code % (sizeof codes / sizeof codes[0])];
	/* Small constants half the time, so that A and k are often equal
	 * (the edge of every comparison) and arithmetic meets 0 and 1. */
	if (f->k & 0x80000000u)
		f->k &= 3;
	if (pc == len - 1 && BPF_CLASS(f->code) != BPF_RET)
		f->code = BPF_RET | (f->code & 1 ? BPF_A : BPF_K);
	if (BPF_CLASS(f->code) == BPF_JMP) {
		if (room == 0)
			f->code = BPF_RET | BPF_K;
		else if (f->code == (BPF_JMP | BPF_JA))
			f->k %= (uint32_t)room;
		else {
			f->jt = (uint8_t)(f->jt % room);
			f->jf = (uint8_t)(f->jf % room);
		}
	}
	if (f->code == (BPF_LD | BPF_W | BPF_ABS))
		f->k = f->k % (sizeof(struct seccomp_data) / 4) * 4;
	else if (BPF_MODE(f->code) == BPF_MEM || BPF_CLASS(f->code) == BPF_ST ||
		 BPF_CLASS(f->code) == BPF_STX)
		f->k %= BPF_MEMWORDS;
	else if (f->code == (BPF_ALU | BPF_LSH | BPF_K) ||
		 f->code == (BPF_ALU | BPF_RSH | BPF_K))
		f->k %= 32;
	else if (f->code == (BPF_ALU | BPF_DIV | BPF_K) && f->k == 0)
		f->k = 1;
}

static void run_all(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *d)
{
	int rc = tv_bpf_check(prog, len);
	uint32_t ret = tv_bpf_run(prog, len, d);
	uint32_t unchecked = tv_bpf_run_checked(prog, len, d);

	REQUIRE(rc == 0 || rc == -22);
	if (rc != 0) {
		REQUIRE(ret == SECCOMP_RET_KILL_PROCESS);
		return;
	}
	REQUIRE(unchecked == ret);
	REQUIRE(ref_run(prog, len, d) == ret);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seccomp_data d;
	struct sock_filter *prog;
	size_t len;

	if (size < sizeof d)
		return 0;
	memcpy(&d, data, sizeof d);
	len = (size - sizeof d) / sizeof *prog;
	if (len > BPF_MAXINSNS + 1)
		len = BPF_MAXINSNS + 1;
	/* Exactly len instructions, so ASan sees a read past the end. */
	prog = malloc(len ? len * sizeof *prog : 1);
	REQUIRE(prog);
	memcpy(prog, data + sizeof d, len * sizeof *prog);
	run_all(prog, len, &d);
	if (len > 0 && len <= BPF_MAXINSNS) {
		for (size_t pc = 0; pc < len; pc++)
			repair(&prog[pc], pc, len);
		run_all(prog, len, &d);
	}
	free(prog);
	return 0;
}
