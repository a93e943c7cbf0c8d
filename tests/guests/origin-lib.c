/* Shared library for origin.c, found through DT_RUNPATH $ORIGIN.
 * Built by guests.mk as guests/libtvorigin-gnu.so / -musl.so. */
static int constructed;

__attribute__((constructor)) static void init(void)
{
	constructed = 1;
}

int tv_origin_value(int x)
{
	return constructed ? x * 3 + 1 : -1;
}
