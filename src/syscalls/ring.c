/*
 * ring.c - the call ring between the preloaded shim and the tracer (ring.h).
 *
 * A bounded many-writer, one-reader queue in the style of D. Vyukov's: each
 * slot carries a sequence number, so a writer needs one atomic add to claim
 * a position and one release store to publish it, and never a lock that a
 * thread killed mid-record could leave held.
 */
#include "ring.h"

#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#define PAGE 4096u

static size_t slot_bytes(void)
{
	return (sizeof(struct callring_slot) + 63) & ~(size_t)63; /* one cache line apart */
}

static size_t header_bytes(void)
{
	return (sizeof(struct callring_header) + PAGE - 1) & ~(size_t)(PAGE - 1);
}

size_t callring_size(uint32_t slots)
{
	size_t bytes = header_bytes() + (size_t)slots * slot_bytes();
	return (bytes + PAGE - 1) & ~(size_t)(PAGE - 1);
}

static struct callring_slot *slot_at(void *base, uint64_t index)
{
	return (struct callring_slot *)((char *)base + header_bytes() + index * slot_bytes());
}

void callring_init(void *mem, uint32_t slots, uint64_t ring_offset)
{
	struct callring_header *h = mem;

	h->magic = CALLRING_MAGIC;
	h->slot_size = (uint32_t)slot_bytes();
	h->slots = slots;
	h->ring_offset = ring_offset;
	atomic_init(&h->head, 0);
	atomic_init(&h->tail, 0);
	atomic_init(&h->reader_gone, 0);
	atomic_init(&h->dropped, 0);
	for (uint32_t i = 0; i < slots; i++)
		atomic_init(&slot_at(mem, i)->seq, i);
}

struct callring_header *callring_attach(void *mem, size_t size)
{
	struct callring_header *h = mem;

	if (size < header_bytes() || h->magic != CALLRING_MAGIC ||
	    h->slot_size != slot_bytes() || h->slots == 0 || (h->slots & (h->slots - 1)) ||
	    callring_size(h->slots) > size)
		return NULL;
	return h;
}

/* Waiting for a free slot: yield first, then sleep, so a full ring costs no CPU. */
static void backoff(unsigned *round)
{
	if (++*round < 64) {
		sched_yield();
		return;
	}
	struct timespec nap = {0, 50 * 1000};
	nanosleep(&nap, NULL);
}

void callring_prepare(const struct callring_header *ring)
{
	uint64_t pos = atomic_load_explicit(&ring->head, memory_order_relaxed);
	const char *slot = (const char *)slot_at((void *)ring, pos & (ring->slots - 1));
	size_t tail = offsetof(struct callring_slot, call) + offsetof(struct demo_call, args) +
	              sizeof ((struct demo_call *)0)->args;

	/* the sequence, the call's start and the start of its text; its last fields */
	__builtin_prefetch(slot, 1);
	__builtin_prefetch(slot + 64, 1);
	for (size_t at = tail & ~(size_t)63; at < sizeof(struct callring_slot); at += 64)
		__builtin_prefetch(slot + at, 1);
}

bool callring_push(struct callring_header *ring, const struct demo_call *call)
{
	uint64_t pos = atomic_fetch_add_explicit(&ring->head, 1, memory_order_relaxed);
	struct callring_slot *slot = slot_at(ring, pos & (ring->slots - 1));
	unsigned round = 0;

	while (atomic_load_explicit(&slot->seq, memory_order_acquire) != pos) {
		if (atomic_load_explicit(&ring->reader_gone, memory_order_relaxed)) {
			atomic_fetch_add_explicit(&ring->dropped, 1, memory_order_relaxed);
			return false;
		}
		backoff(&round);
	}
	/* args is a string: its unused tail is not copied (a small send's call is
	 * mostly that tail, and this copy is most of what the ring costs) */
	size_t head = offsetof(struct demo_call, args), tail = head + sizeof call->args;
	size_t used = strnlen(call->args, sizeof call->args - 1);
	memcpy(&slot->call, call, head + used);
	slot->call.args[used] = '\0';
	memcpy((char *)&slot->call + tail, (const char *)call + tail, sizeof *call - tail);
	atomic_store_explicit(&slot->seq, pos + 1, memory_order_release);
	return true;
}

void callring_reader_init(struct callring_reader *r, void *mem, uint32_t slots)
{
	memset(r, 0, sizeof *r);
	r->ring = mem;
	r->slots_mask = slots - 1;
	r->ring_bytes = callring_size(slots);
	r->stuck_at = UINT64_MAX;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The slot at tail is claimed (head is past it) but unpublished: give up on it
 * once it has been so for stuck_ns. */
static bool give_up(struct callring_reader *r, uint64_t tail, uint64_t stuck_ns)
{
	uint64_t head = atomic_load_explicit(&r->ring->head, memory_order_relaxed);

	if (!stuck_ns || head <= tail)
		return false;
	if (r->stuck_at != tail) {
		r->stuck_at = tail;
		r->stuck_since = now_ns();
		return false;
	}
	return now_ns() - r->stuck_since >= stuck_ns;
}

bool callring_pop(struct callring_reader *r, struct demo_call *call, uint64_t stuck_ns)
{
	/* tail is the reader's own; the shared copy is only for writers to see */
	uint64_t tail = r->tail;
	uint64_t slots = r->slots_mask + 1;
	struct callring_slot *slot = slot_at(r->ring, tail & r->slots_mask);

	for (;;) {
		uint64_t seq = atomic_load_explicit(&slot->seq, memory_order_acquire);
		if (seq == tail + 1) {
			memcpy(call, &slot->call, sizeof *call);
			callring_sanitize(call);
			atomic_store_explicit(&slot->seq, tail + slots, memory_order_release);
			r->tail = tail + 1;
			atomic_store_explicit(&r->ring->tail, r->tail, memory_order_relaxed);
			return true;
		}
		if (!give_up(r, tail, stuck_ns))
			return false;
		r->skipped++;
		atomic_store_explicit(&slot->seq, tail + slots, memory_order_release);
		r->tail = ++tail;
		atomic_store_explicit(&r->ring->tail, tail, memory_order_relaxed);
		slot = slot_at(r->ring, tail & r->slots_mask);
	}
}

uint64_t callring_pending(const struct callring_reader *r)
{
	uint64_t head = atomic_load_explicit(&r->ring->head, memory_order_relaxed);
	uint64_t tail = r->tail;
	return head > tail ? head - tail : 0;
}

static void terminate(char *text, size_t size)
{
	text[size - 1] = '\0';
}

void callring_sanitize(struct demo_call *call)
{
	terminate(call->side, sizeof call->side);
	terminate(call->call, sizeof call->call);
	terminate(call->args, sizeof call->args);
	terminate(call->comm, sizeof call->comm);
	if ((unsigned)call->proto > L4_OTHER)
		call->proto = L4_NONE;
	if (call->local.family != 4 && call->local.family != 6)
		call->local.family = 0;
	if (call->peer.family != 4 && call->peer.family != 6)
		call->peer.family = 0;
	call->has_tuple = call->local.family && call->peer.family;
	if (call->ts_nsec >= 1000000000u)
		call->ts_nsec = 0;
	if (call->start_nsec >= 1000000000u)
		call->start_nsec = 0;
	if (call->err < 0 || call->err > 4095)
		call->err = 0;
}
