/* io_uring_setup, io_uring_enter and io_uring_register, as strace 6.1
 * shows them: the parameters the kernel filled in, the flags, the
 * register operations and the descriptors they register. */
#include "internal.h"
#include <linux/io_uring.h>

const struct xlat uring_setup_flags[] = {
	X(IORING_SETUP_IOPOLL), X(IORING_SETUP_SQPOLL), X(IORING_SETUP_SQ_AFF),
	X(IORING_SETUP_CQSIZE), X(IORING_SETUP_CLAMP), X(IORING_SETUP_ATTACH_WQ),
	X(IORING_SETUP_R_DISABLED), X(IORING_SETUP_SUBMIT_ALL), X(IORING_SETUP_COOP_TASKRUN),
	X(IORING_SETUP_TASKRUN_FLAG), X(IORING_SETUP_SQE128), X(IORING_SETUP_CQE32),
	X(IORING_SETUP_SINGLE_ISSUER), X(IORING_SETUP_DEFER_TASKRUN), XEND
};
static const struct xlat uring_features[] = {
	X(IORING_FEAT_SINGLE_MMAP), X(IORING_FEAT_NODROP), X(IORING_FEAT_SUBMIT_STABLE),
	X(IORING_FEAT_RW_CUR_POS), X(IORING_FEAT_CUR_PERSONALITY), X(IORING_FEAT_FAST_POLL),
	X(IORING_FEAT_POLL_32BITS), X(IORING_FEAT_SQPOLL_NONFIXED), X(IORING_FEAT_EXT_ARG),
	X(IORING_FEAT_NATIVE_WORKERS), X(IORING_FEAT_RSRC_TAGS), X(IORING_FEAT_CQE_SKIP),
	X(IORING_FEAT_LINKED_FILE), XEND
};
const struct xlat uring_enter_flags[] = {
	X(IORING_ENTER_GETEVENTS), X(IORING_ENTER_SQ_WAKEUP), X(IORING_ENTER_SQ_WAIT),
	X(IORING_ENTER_EXT_ARG), X(IORING_ENTER_REGISTERED_RING), XEND
};
const struct xlat uring_register_ops[] = {
	X(IORING_REGISTER_BUFFERS), X(IORING_UNREGISTER_BUFFERS), X(IORING_REGISTER_FILES),
	X(IORING_UNREGISTER_FILES), X(IORING_REGISTER_EVENTFD), X(IORING_UNREGISTER_EVENTFD),
	X(IORING_REGISTER_FILES_UPDATE), X(IORING_REGISTER_EVENTFD_ASYNC),
	X(IORING_REGISTER_PROBE), X(IORING_REGISTER_PERSONALITY),
	X(IORING_UNREGISTER_PERSONALITY), X(IORING_REGISTER_RESTRICTIONS),
	X(IORING_REGISTER_ENABLE_RINGS), X(IORING_REGISTER_FILES2),
	X(IORING_REGISTER_FILES_UPDATE2), X(IORING_REGISTER_BUFFERS2),
	X(IORING_REGISTER_BUFFERS_UPDATE), X(IORING_REGISTER_IOWQ_AFF),
	X(IORING_UNREGISTER_IOWQ_AFF), X(IORING_REGISTER_IOWQ_MAX_WORKERS),
	X(IORING_REGISTER_RING_FDS), X(IORING_UNREGISTER_RING_FDS),
	X(IORING_REGISTER_PBUF_RING), X(IORING_UNREGISTER_PBUF_RING),
	X(IORING_REGISTER_SYNC_CANCEL), X(IORING_REGISTER_FILE_ALLOC_RANGE), XEND
};

/* io_uring_setup's parameters: as the kernel filled them in, or when the
 * call failed what it was given. */
void put_uring_params(struct dc_out *o, const struct dc_call *call, unsigned long addr)
{
	struct io_uring_params p;
	const struct io_sqring_offsets *s = &p.sq_off;
	const struct io_cqring_offsets *c = &p.cq_off;

	if (dc_read(&p, addr, sizeof p) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{flags=");
	put_flags(o, uring_setup_flags, p.flags, "0");
	dc_printf(o, ", sq_thread_cpu=%u, sq_thread_idle=%u", p.sq_thread_cpu, p.sq_thread_idle);
	if (call_failed(call)) {
		dc_putc(o, '}');
		return;
	}
	dc_printf(o, ", sq_entries=%u, cq_entries=%u, features=", p.sq_entries, p.cq_entries);
	put_flags(o, uring_features, p.features, "0");
	dc_printf(o, ", sq_off={head=%u, tail=%u, ring_mask=%u, ring_entries=%u, flags=%u, "
		  "dropped=%u, array=%u}", s->head, s->tail, s->ring_mask, s->ring_entries, s->flags,
		  s->dropped, s->array);
	dc_printf(o, ", cq_off={head=%u, tail=%u, ring_mask=%u, ring_entries=%u, overflow=%u, "
		  "cqes=%u, flags=%u}}", c->head, c->tail, c->ring_mask, c->ring_entries, c->overflow,
		  c->cqes, c->flags);
}

/* io_uring_register's argument: the descriptors of the operations that
 * register descriptors, else where it is. */
void put_uring_register_arg(struct dc_out *o, const struct dc_call *c)
{
	unsigned long addr = (unsigned long)c->a[2], n = (unsigned long)c->a[3];
	int fd;

	switch (c->a[1]) {
	case IORING_REGISTER_FILES:
		put_int_array(o, addr, n);
		return;
	case IORING_REGISTER_EVENTFD:
	case IORING_REGISTER_EVENTFD_ASYNC:
		if (addr && peek_int(addr, &fd))
			dc_printf(o, "[%d]", fd);
		else
			dc_put_ptr(o, addr);
		return;
	}
	dc_put_ptr(o, addr);
}
