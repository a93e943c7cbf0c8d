# x86_64 flags for the freestanding monitor (included by Makefile.in).
# Without vector registers (-mgeneral-regs-only) GCC expands small struct
# copies and clears as "rep movs/stos", whose start-up cost is a third of a
# rewritten site's whole stub path: plain moves instead.
ARCH_CFLAGS = -mmemset-strategy=unrolled_loop:512:noalign,libcall:-1:noalign \
	-mmemcpy-strategy=unrolled_loop:512:noalign,libcall:-1:noalign

# The only relocation the monitor's binary may have (core/place.c).
RELATIVE_RELOC = R_X86_64_RELATIVE
