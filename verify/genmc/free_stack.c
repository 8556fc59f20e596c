/*
 * The table's free-bucket stack (Sources/LockFreeMap/Internal/_Table.swift, `giveBack` and
 * `popFree`), step for step with the orders the code uses, for GenMC under RC11 and IMM.
 *
 * The stack is a (top, tag) pair changed only by a 16-byte seq_cst CAS; pop and push read the
 * two halves with two 8-byte loads. GenMC's values are 64-bit, so the pair is packed into one
 * word `head` (bucket index << 32 | tag) that the CAS replaces whole, while the two halves
 * stay two separate loads of it: load #1 keeps the index, load #2 keeps the tag. A bucket's
 * `link` word is the stack's next pointer while the bucket is on the stack, and a chain link
 * (or 0) while a thread owns it.
 *
 * Scenario (docs/DESIGN.md, "The free-bucket stack"): the stack holds X(1) -> Y(2) -> Z(3).
 *   P pops once and keeps what it got (an insert about to link it);
 *   Q pops, loses its link race and gives the bucket back (`giveBack`);
 *   R pops and keeps its bucket, linking it into a live chain (writes its link).
 * Every pop claims the bucket (`owner` exchange) and asserts nobody else holds it; after the
 * threads join, main drains the stack, which must hold no bucket that P or R still owns.
 * The bug this catches: P reads top = X, then (its tag load being relaxed) a tag written after
 * Q's push of X but a link of X older than that push (Y); its CAS (X, tag) -> (Y, tag + 1)
 * succeeds and puts Y, which R owns and linked into a chain, on top of the stack.
 *
 * Variants:
 *   default          the code's orders: the tag is loaded acquire (the fix)
 *   -DTAG_RELAXED    the tag loaded relaxed, as before the fix: GenMC must fail
 *   -DLINK_RELAXED   the link of the top loaded relaxed: still correct (the tag's acquire
 *                    is what orders it); checks the argument does not lean on this acquire
 *   -DPUSH_RELEASE_ONLY  the pair CAS of push as release/relaxed instead of seq_cst: still
 *                    correct; the acquire/release pairing is the whole argument
 *   -DPOP_CAS_RELAXED    the pop's CAS relaxed on failure and success: GenMC must fail (the
 *                    retry after a failed CAS then reads a link older than the pair it saw)
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef TAG_RELAXED
#define TAG_ORDER memory_order_relaxed
#else
#define TAG_ORDER memory_order_acquire
#endif
#ifdef LINK_RELAXED
#define LINK_ORDER memory_order_relaxed
#else
#define LINK_ORDER memory_order_acquire
#endif
#ifdef PUSH_RELEASE_ONLY
#define PUSH_SUCCESS memory_order_release
#define PUSH_FAILURE memory_order_relaxed
#else
#define PUSH_SUCCESS memory_order_seq_cst
#define PUSH_FAILURE memory_order_seq_cst
#endif
#ifdef POP_CAS_RELAXED
#define POP_SUCCESS memory_order_relaxed
#define POP_FAILURE memory_order_relaxed
#else
#define POP_SUCCESS memory_order_seq_cst
#define POP_FAILURE memory_order_seq_cst
#endif

#define BUCKETS 4 /* index 0 is the null address; buckets 1..3 */
#define PAIR(top, tag) ((((uint64_t)(top)) << 32) | (uint32_t)(tag))
#define TOP(pair) ((uint32_t)((pair) >> 32))
#define TAG(pair) ((uint32_t)(pair))

struct bucket {
	_Atomic(uint32_t) link; /* next on the stack, or a chain link while owned */
	_Atomic(uint32_t) slot; /* a slot's control word: emptied by giveBack */
	atomic_int owner;       /* model only: who holds the bucket (0: the stack) */
};

static struct bucket bucket[BUCKETS];
static _Atomic(uint64_t) head; /* (top, tag): the 16-byte pair */

/* popFree: top (acquire), tag (TAG_ORDER), next = top.link (acquire), CAS. */
static uint32_t pop_free(int me)
{
	uint64_t first = atomic_load_explicit(&head, memory_order_acquire);
	uint32_t top = TOP(first);
	uint32_t tag = TAG(atomic_load_explicit(&head, TAG_ORDER));
	while (top != 0) {
		uint32_t next = atomic_load_explicit(&bucket[top].link, LINK_ORDER);
		uint64_t seen = PAIR(top, tag);
		if (atomic_compare_exchange_strong_explicit(&head, &seen, PAIR(next, tag + 1),
							    POP_SUCCESS, POP_FAILURE)) {
			atomic_store_explicit(&bucket[top].link, 0, memory_order_relaxed);
			int before = atomic_exchange_explicit(&bucket[top].owner, me,
							      memory_order_relaxed);
			assert(before == 0 && "a bucket another thread holds was popped");
			/* The new owner's first write to the bucket: a plain slot store must not race. */
			assert(atomic_load_explicit(&bucket[top].slot, memory_order_relaxed) == 0);
			return top;
		}
		top = TOP(seen);
		tag = TAG(seen);
	}
	return 0;
}

/* giveBack: empty the slots (relaxed), top (acquire), tag (relaxed), link = top (relaxed), CAS. */
static void give_back(uint32_t b)
{
	atomic_store_explicit(&bucket[b].slot, 0, memory_order_relaxed);
	atomic_store_explicit(&bucket[b].owner, 0, memory_order_relaxed);
	uint64_t first = atomic_load_explicit(&head, memory_order_acquire);
	uint32_t top = TOP(first);
	uint32_t tag = TAG(atomic_load_explicit(&head, memory_order_relaxed));
	for (;;) {
		atomic_store_explicit(&bucket[b].link, top, memory_order_relaxed);
		uint64_t seen = PAIR(top, tag);
		if (atomic_compare_exchange_strong_explicit(&head, &seen, PAIR(b, tag + 1),
							    PUSH_SUCCESS, PUSH_FAILURE))
			return;
		top = TOP(seen);
		tag = TAG(seen);
	}
}

/* An owner fills a slot and links its bucket into a chain (a link of its own, here 3). */
static void use(uint32_t b, uint32_t value)
{
	atomic_store_explicit(&bucket[b].slot, value, memory_order_relaxed);
	atomic_store_explicit(&bucket[b].link, 3, memory_order_relaxed);
}

static void *p_thread(void *arg)
{
	(void)arg;
	uint32_t b = pop_free(1);
	if (b)
		use(b, 11);
	return NULL;
}

static void *q_thread(void *arg)
{
	(void)arg;
	uint32_t b = pop_free(2);
	if (b) {
		atomic_store_explicit(&bucket[b].slot, 22, memory_order_relaxed);
		give_back(b); /* its link CAS lost: the bucket goes back */
	}
	return NULL;
}

static void *r_thread(void *arg)
{
	(void)arg;
	uint32_t b = pop_free(3);
	if (b)
		use(b, 33);
	return NULL;
}

int main(void)
{
	pthread_t p, q, r;
	atomic_init(&bucket[1].link, 2);
	atomic_init(&bucket[2].link, 3);
	atomic_init(&bucket[3].link, 0);
	atomic_init(&head, PAIR(1, 5));

	if (pthread_create(&p, NULL, p_thread, NULL) || pthread_create(&q, NULL, q_thread, NULL) ||
	    pthread_create(&r, NULL, r_thread, NULL))
		abort();
	pthread_join(p, NULL);
	pthread_join(q, NULL);
	pthread_join(r, NULL);

	/* Whatever is still on the stack must be free: draining it claims each bucket once. */
	for (int i = 0; i < BUCKETS; i++)
		if (pop_free(9) == 0)
			break;
	return 0;
}
