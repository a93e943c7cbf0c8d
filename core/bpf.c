/* Classic BPF over struct seccomp_data, as the kernel runs seccomp filters.
 *
 * The checker is the union of the two checks a seccomp filter goes through:
 * bpf_check_classic() (net/core/filter.c: jump ranges, division by a
 * constant zero, shift widths, scratch-memory indices, final RET, and the
 * load-after-store analysis) and seccomp_check_filter() (kernel/seccomp.c:
 * the opcode whitelist and the aligned, in-bounds absolute loads).
 *
 * The interpreter follows what the kernel executes after converting the
 * program to eBPF (bpf_convert_filter()): A and X start at 0, arithmetic is
 * 32-bit and wraps, a division by X == 0 makes the program return 0
 * (SECCOMP_RET_KILL_THREAD), and a shift by X uses only X's low 5 bits (the
 * eBPF interpreter masks with 31; the x86-64 and arm64 JITs use the 32-bit
 * shift instructions, which do the same). */
#include "bpf.h"

/* -EINVAL: <errno.h> belongs to a libc, which the monitor does not have. */
#define BPF_EINVAL (-22)

/* Shifts by a constant of the register width or more are refused. */
#define BPF_WORD_BITS 32u
#define BPF_SHIFT_MASK (BPF_WORD_BITS - 1)

/* check_load_and_stores() keeps one bit per scratch word in a u16. */
_Static_assert(BPF_MEMWORDS <= 16, "one mask bit per scratch word");
#define BPF_MEM_ALL ((uint16_t)0xffff)

#define BPF_KILL SECCOMP_RET_KILL_PROCESS

/* seccomp_check_filter()'s whitelist; everything else (packet loads,
 * BPF_MOD, BPF_RET|BPF_X, ...) is refused. */
static int code_allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
		return 1;
	}
	return 0;
}

static int is_cond_jump(uint16_t code)
{
	switch (code) {
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return 1;
	}
	return 0;
}

static int uses_scratch(uint16_t code)
{
	return code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) ||
	       code == BPF_ST || code == BPF_STX;
}

/* The checks of one instruction that need nothing but its own fields and
 * its position. */
static int insn_ok(const struct sock_filter *f, size_t pc, size_t len)
{
	uint32_t k = f->k;

	if (is_cond_jump(f->code))
		return pc + 1 + f->jt < len && pc + 1 + f->jf < len;
	if (!code_allowed(f->code))
		return 0;
	if (uses_scratch(f->code))
		return k < BPF_MEMWORDS;
	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		return k < sizeof(struct seccomp_data) &&
		       k % sizeof(uint32_t) == 0;
	case BPF_ALU | BPF_DIV | BPF_K:
		return k != 0;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		return k < BPF_WORD_BITS;
	case BPF_JMP | BPF_JA:
		/* A large k must not wrap around: compare before adding. */
		return k < len - pc - 1;
	}
	return 1;
}

/* The kernel's check_load_and_stores(): a scratch word may be loaded only
 * if every jump into the current instruction, and the fall-through from
 * the previous one, have it stored.  The analysis is deliberately the
 * kernel's, conservative quirks included (the state falls through a RET
 * unchanged), because what matters is accepting the same programs.  Jumps
 * are known to be in range here. */
static int loads_after_stores(const struct sock_filter *prog, size_t len)
{
	uint16_t masks[BPF_MAXINSNS];
	uint16_t valid = 0;

	for (size_t pc = 0; pc < len; pc++)
		masks[pc] = BPF_MEM_ALL;
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		valid &= masks[pc];
		if (f->code == BPF_ST || f->code == BPF_STX) {
			valid |= (uint16_t)(1u << f->k);
		} else if (f->code == (BPF_LD | BPF_MEM) ||
			   f->code == (BPF_LDX | BPF_MEM)) {
			if (!(valid & (1u << f->k)))
				return 0;
		} else if (f->code == (BPF_JMP | BPF_JA)) {
			masks[pc + 1 + f->k] &= valid;
			valid = BPF_MEM_ALL;
		} else if (is_cond_jump(f->code)) {
			masks[pc + 1 + f->jt] &= valid;
			masks[pc + 1 + f->jf] &= valid;
			valid = BPF_MEM_ALL;
		}
	}
	return 1;
}

int tv_bpf_check(const struct sock_filter *prog, size_t len)
{
	uint16_t last;

	/* seccomp_prepare_filter() refuses empty and oversized programs. */
	if (!prog || len == 0 || len > BPF_MAXINSNS)
		return BPF_EINVAL;
	for (size_t pc = 0; pc < len; pc++)
		if (!insn_ok(&prog[pc], pc, len))
			return BPF_EINVAL;
	last = prog[len - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return BPF_EINVAL;
	if (!loads_after_stores(prog, len))
		return BPF_EINVAL;
	return 0;
}

/* The 32-bit word at byte offset off of data, in host byte order: the
 * kernel loads it straight from the struct ("endianness is explicitly
 * ignored" in populate_seccomp_data()).  Byte reads keep this free of
 * aliasing and alignment questions; compilers fold them into one load. */
static uint32_t load_word(const struct seccomp_data *data, uint32_t off)
{
	const unsigned char *p = (const unsigned char *)data + off;
	uint32_t w = 0;

	for (unsigned i = 0; i < sizeof(w); i++) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		w |= (uint32_t)p[i] << (8 * i);
#else
		w = w << 8 | p[i];
#endif
	}
	return w;
}

enum alu_status { ALU_OK, ALU_DIV0, ALU_BAD };

/* A = A op operand, 32-bit.  operand is K or X depending on the opcode. */
static enum alu_status alu(uint16_t code, uint32_t *a, uint32_t operand)
{
	int by_x = BPF_SRC(code) == BPF_X;

	switch (BPF_OP(code)) {
	case BPF_ADD: *a += operand; break;
	case BPF_SUB: *a -= operand; break;
	case BPF_MUL: *a *= operand; break;
	case BPF_AND: *a &= operand; break;
	case BPF_OR:  *a |= operand; break;
	case BPF_XOR: *a ^= operand; break;
	case BPF_NEG: *a = -*a; break;
	case BPF_DIV:
		if (operand == 0)
			return by_x ? ALU_DIV0 : ALU_BAD;
		*a /= operand;
		break;
	case BPF_LSH:
	case BPF_RSH:
		if (!by_x && operand >= BPF_WORD_BITS)
			return ALU_BAD;
		operand &= BPF_SHIFT_MASK;
		*a = BPF_OP(code) == BPF_LSH ? *a << operand : *a >> operand;
		break;
	default:
		return ALU_BAD;
	}
	return ALU_OK;
}

static int jump_taken(uint16_t code, uint32_t a, uint32_t operand)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: return a == operand;
	case BPF_JGT: return a > operand;
	case BPF_JGE: return a >= operand;
	default:      return (a & operand) != 0;    /* BPF_JSET */
	}
}

/* The machine state; M[] starts zeroed so that even an unchecked program
 * reads defined values. */
struct bpf_vm {
	uint32_t a, x;
	uint32_t mem[BPF_MEMWORDS];
};

/* Executes one non-jump, non-return instruction; 0 if it is invalid. */
static int exec_simple(struct bpf_vm *vm, const struct sock_filter *f,
		       const struct seccomp_data *data)
{
	uint32_t k = f->k;

	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (k >= sizeof(*data) || k % sizeof(uint32_t) != 0)
			return 0;
		vm->a = load_word(data, k);
		return 1;
	case BPF_LD | BPF_W | BPF_LEN:  vm->a = sizeof(*data); return 1;
	case BPF_LDX | BPF_W | BPF_LEN: vm->x = sizeof(*data); return 1;
	case BPF_LD | BPF_IMM:          vm->a = k; return 1;
	case BPF_LDX | BPF_IMM:         vm->x = k; return 1;
	case BPF_MISC | BPF_TAX:        vm->x = vm->a; return 1;
	case BPF_MISC | BPF_TXA:        vm->a = vm->x; return 1;
	}
	if (!uses_scratch(f->code) || k >= BPF_MEMWORDS)
		return 0;
	switch (f->code) {
	case BPF_LD | BPF_MEM:  vm->a = vm->mem[k]; break;
	case BPF_LDX | BPF_MEM: vm->x = vm->mem[k]; break;
	case BPF_ST:            vm->mem[k] = vm->a; break;
	default:                vm->mem[k] = vm->x; break;   /* BPF_STX */
	}
	return 1;
}

uint32_t tv_bpf_run_checked(const struct sock_filter *prog, size_t len,
			    const struct seccomp_data *data)
{
	struct bpf_vm vm = { 0 };
	size_t pc = 0;

	if (!prog || !data)
		return BPF_KILL;
	/* Every jump is forward, so this loop ends within len steps. */
	while (pc < len) {
		const struct sock_filter *f = &prog[pc++];
		uint16_t code = f->code;
		size_t off;

		if (code == (BPF_RET | BPF_K))
			return f->k;
		if (code == (BPF_RET | BPF_A))
			return vm.a;
		if (code == (BPF_JMP | BPF_JA) || is_cond_jump(code)) {
			if (code == (BPF_JMP | BPF_JA))
				off = f->k;
			else
				off = jump_taken(code, vm.a, BPF_SRC(code) == BPF_X ?
							     vm.x : f->k) ? f->jt : f->jf;
			if (off >= len - pc)
				return BPF_KILL;
			pc += off;
			continue;
		}
		if (BPF_CLASS(code) == BPF_ALU && code_allowed(code)) {
			enum alu_status st = alu(code, &vm.a, BPF_SRC(code) == BPF_X ?
							      vm.x : f->k);
			/* bpf_convert_filter(): "return 0" on division by 0. */
			if (st == ALU_DIV0)
				return 0;
			if (st == ALU_BAD)
				return BPF_KILL;
			continue;
		}
		if (!exec_simple(&vm, f, data))
			return BPF_KILL;
	}
	return BPF_KILL;    /* fell off the end: the check refuses this */
}

uint32_t tv_bpf_run(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *data)
{
	if (tv_bpf_check(prog, len) != 0)
		return BPF_KILL;
	return tv_bpf_run_checked(prog, len, data);
}
