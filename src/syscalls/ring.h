/*
 * ring.h - the call ring: how a preloaded shim (src/preload/) hands finished
 * socket calls to the tracer without stopping the program.
 *
 * The ring is shared memory (a memfd the traced processes inherit) holding a
 * header and `slots` fixed-size slots, each one `struct demo_call`.  Many
 * writers (every thread of every traced process) and one reader (the tracer's
 * drain thread): a writer claims a position with an atomic add on `head`,
 * waits until its slot is free (the ring is full: the program waits, nothing
 * is dropped), copies its call in and publishes it by setting the slot's
 * sequence to position + 1.  The reader takes slots in position order and
 * frees each by setting its sequence to position + slots.
 *
 * The writers are the traced program: the reader trusts nothing in the ring,
 * checks the header against what it wrote, and makes every record it returns
 * well-formed (strings terminated, enums in range) before anyone reads it.
 */
#ifndef SOCKSCOPE_SYSCALLS_RING_H
#define SOCKSCOPE_SYSCALLS_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockscope/demo.h"

#define CALLRING_MAGIC 0x31736c6c61637373ULL /* "sscalls1" */
#define CALLRING_ENV "SOCKSCOPE_CALLS" /* "FD,OFFSET,SIZE": the inherited memfd and its ring */
#define CALLRING_MEMFD_NAME "sockscope-calls"

struct callring_header {
	uint64_t magic;
	uint32_t slot_size, slots;       /* set by the reader; slots is a power of two */
	uint64_t ring_offset;            /* where the ring starts in the memfd */
	/* head and tail on lines of their own: the reader moving tail on every call
	 * would otherwise take head's line from the writer's cache each time */
	_Alignas(64) _Atomic uint64_t head; /* next position a writer claims */
	_Alignas(64) _Atomic uint64_t tail; /* next position the reader takes */
	_Atomic uint32_t reader_gone;    /* set when the tracer stops reading */
	_Atomic uint64_t dropped;        /* calls writers gave up on (reader gone) */
};

struct callring_slot {
	_Atomic uint64_t seq;
	struct demo_call call;
};

/* Bytes a ring of `slots` slots needs (header and slots, page-rounded). */
size_t callring_size(uint32_t slots);
/* Lays out an empty ring in mem (callring_size(slots) bytes, zeroed). */
void callring_init(void *mem, uint32_t slots, uint64_t ring_offset);
/* Checks a mapped ring's header (a writer's view); the ring, or NULL. */
struct callring_header *callring_attach(void *mem, size_t size);

/* Writer, before the real call: asks for the lines of the slot the next push
 * will likely take, so that they arrive while the call runs (the reader has
 * just written them; fetched during the push they cost a third of it). */
void callring_prepare(const struct callring_header *ring);
/* Writer: copies call in; false when the reader is gone (the call is dropped). */
bool callring_push(struct callring_header *ring, const struct demo_call *call);

/* The reader's own state (never in shared memory, where writers could change it). */
struct callring_reader {
	struct callring_header *ring;
	uint64_t slots_mask, ring_bytes; /* as the reader laid them out */
	uint64_t tail;                   /* the next position to take */
	uint64_t stuck_at, stuck_since;  /* a slot claimed but unpublished, since (ns) */
	uint64_t skipped;                /* slots given up on (see callring_pop) */
};

/* mem holds a ring the reader laid out with callring_init(mem, slots, ...). */
void callring_reader_init(struct callring_reader *r, void *mem, uint32_t slots);

/*
 * The next published call into *call, made well-formed; false when the next
 * slot is not published yet.  With stuck_ns not 0, a slot claimed but left
 * unpublished that long (its writer was killed mid-record, or is stopped) is
 * skipped and counted in r->skipped; 0 never skips.
 */
bool callring_pop(struct callring_reader *r, struct demo_call *call, uint64_t stuck_ns);
/* Positions claimed but not yet taken by the reader. */
uint64_t callring_pending(const struct callring_reader *r);

/* A record from the ring made well-formed: strings terminated, enums in range. */
void callring_sanitize(struct demo_call *call);

#endif
