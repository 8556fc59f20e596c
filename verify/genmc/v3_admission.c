/*
 * Admission against closing, and the tombstone counter (docs/DESIGN.md: section 3, "Upsert"
 * and "Remove"; section 4, "Admission: why a copy always finds room (M5)"; section 6, the
 * rows [A1], [A2], [A3] and the tombstone counter), step for step with the orders of
 * `admit`, `upsert`, `removeFromSlot` (_Stripe+Operations.swift), `Table.close` (_Table.swift)
 * and `startMigration` (_Stripe+Migration.swift), for GenMC under RC11 and IMM.
 *
 * One table T of three slots; slot 0 holds key 0 (live) before the threads start, so
 * `entries` = 1 and `tombstones` = 0. The admission limit is L = 2 (USED slots).
 *
 * Threads:
 *   I1, I2, inserters of keys 1 and 2 (each its own empty slot, 1 and 2): `entries += 1`
 *     (fetch-add), load `successor(T)`: not 0, refused; load `tombstones`: if
 *     entries + tombstones > L, refused; else the fill (the slot CAS, empty -> live). A
 *     refused insert takes its count back (`entries -= 1`); what it does next
 *     (`ensureSuccessor`, `moveOn`, the successor) is not modelled.
 *   R, a removal of key 0: `tombstones += 1`, then the slot CAS (live -> tombstone), then
 *     `entries -= 1`.
 *   C, the closer (a migration's start): CAS `successor(T)` 0 -> CLOSED, then E = `entries`.
 *   H, a required migration (`reserveCapacity`) that finds T closed without a successor
 *     (`ensureSuccessor`): loads `successor(T)`; if CLOSED, sizes a successor from
 *     E_H = `entries`, loaded after it.
 *
 * Asserts, after the threads join (T has no operation left, so what is LIVE at the end is
 * what was live at some time after the close):
 *   live(T) <= E    every key admitted into T was counted in the closer's E (DESIGN.md,
 *                   "Admission": the Dekker pattern between an insert's increment and
 *                   successor load and the closer's CAS and entries load);
 *   live(T) <= E_H  and in the E of a thread that saw CLOSED ("so its E is valid too");
 *   used(T) <= L    V5: an admission's sum entries + tombstones never under-counts the
 *                   USED slots (a removal counts its tombstone before its entries -= 1).
 * The last needs both inserters: L = 2 admits one of them, never both, whatever R does.
 *
 * Variants (the code's orders, and three it does not name: the removal's `entries -= 1`
 * and H's two loads, seq_cst in the default like every `entries` access there):
 *   default               pass
 *   -DADD_ACQ_REL         the insert's entries fetch-add acq_rel, not seq_cst: fail
 *   -DADD_RELAXED         the insert's entries fetch-add relaxed: fail
 *   -DSUCC_LOAD_ACQUIRE   the admission's successor load acquire, not seq_cst: fail
 *   -DCLOSE_ACQ_REL       the close CAS acq_rel (failure acquire), not seq_cst: fail
 *   -DE_LOAD_ACQUIRE      the closer's entries load acquire, not seq_cst: fail
 *   -DENSURE_SUCC_ACQUIRE H's successor load acquire, not seq_cst: fail
 *   -DENSURE_LOAD_ACQUIRE H's entries load acquire, not seq_cst: fail
 *   -DDEC_RELAXED         the removal's entries -= 1 relaxed (today's code's order for it):
 *                         fail (V5), though both tombstones accesses stay seq_cst
 *   -DDEC_RELEASE         the removal's entries -= 1 release: pass
 *   -DTOMB_ADD_RELAXED    the removal's tombstones fetch-add relaxed: pass
 *   -DTOMB_LOAD_RELAXED   the admission's tombstones load relaxed: pass
 * The last three: what V5 needs is that an insert whose fetch-add comes after a removal's
 * decrement (in `entries`' modification order) sees that removal's tombstone; the
 * decrement's release and the fetch-add's acquire give it, through the removal's program
 * order, with both tombstones accesses relaxed. If the fetch-add comes first, the insert
 * counted the key as an entry. seq_cst on tombstones does not make up for a relaxed
 * decrement (-DDEC_RELAXED): nothing orders the tombstones load after the removal's
 * fetch-add in the single total order.
 *
 * Not modelled: revival of a tombstone (entries += 1 before, tombstones -= 1 after: each
 * admission over-counts its own slot), a failed fill (two inserts of one slot), probing,
 * freezing (DESIGN.md section 4), what a refused insert does next (its ensureSuccessor's entries load
 * follows its own seq_cst `entries -= 1`, an RMW after the close in the total order, which
 * reads every increment before it; H is the case without one), the install of the successor (`v3_flag.c`), the limit G that
 * starts a migration, and sizes beyond three slots.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(ADD_ACQ_REL)
#define ADD_ORDER memory_order_acq_rel
#elif defined(ADD_RELAXED)
#define ADD_ORDER memory_order_relaxed
#else
#define ADD_ORDER memory_order_seq_cst
#endif
#ifdef SUCC_LOAD_ACQUIRE
#define SUCC_LOAD memory_order_acquire
#else
#define SUCC_LOAD memory_order_seq_cst
#endif
#ifdef CLOSE_ACQ_REL
#define CLOSE_ORDER memory_order_acq_rel
#define CLOSE_FAILURE memory_order_acquire
#else
#define CLOSE_ORDER memory_order_seq_cst
#define CLOSE_FAILURE memory_order_seq_cst
#endif
#ifdef E_LOAD_ACQUIRE
#define E_LOAD memory_order_acquire
#else
#define E_LOAD memory_order_seq_cst
#endif
#ifdef ENSURE_LOAD_ACQUIRE
#define ENSURE_LOAD memory_order_acquire
#else
#define ENSURE_LOAD memory_order_seq_cst
#endif
#ifdef ENSURE_SUCC_ACQUIRE
#define ENSURE_SUCC_LOAD memory_order_acquire
#else
#define ENSURE_SUCC_LOAD memory_order_seq_cst
#endif
#if defined(DEC_RELAXED)
#define DEC_ORDER memory_order_relaxed
#elif defined(DEC_RELEASE)
#define DEC_ORDER memory_order_release
#else
#define DEC_ORDER memory_order_seq_cst
#endif
#ifdef TOMB_ADD_RELAXED
#define TOMB_ADD memory_order_relaxed
#else
#define TOMB_ADD memory_order_seq_cst
#endif
#ifdef TOMB_LOAD_RELAXED
#define TOMB_LOAD memory_order_relaxed
#else
#define TOMB_LOAD memory_order_seq_cst
#endif

/* A slot's control word (the value half plays no part here): DESIGN.md section 2. */
#define LIVE (1ull << 63)
#define USED (1ull << 62)
#define CONTROL(key) (LIVE | USED | (uint64_t)(key))
#define SLOTS 3
#define LIMIT 2 /* L(T) */
#define CLOSED 1

static _Atomic(uint64_t) slot[SLOTS];
static _Atomic(int64_t) entries;    /* the stripe's entry counter */
static _Atomic(int64_t) tombstones; /* T's header field */
static _Atomic(uint64_t) successor; /* T's header field: 0 open, CLOSED, else S */
static _Atomic(int64_t) closer_saw; /* E, for main's check */
static _Atomic(int64_t) helper_saw = -1; /* ensureSuccessor's E, or -1 */

/* Insert steps 1-3 of key k into its empty slot k. */
static void *inserter(void *arg)
{
	int k = (int)(intptr_t)arg;
	int64_t counted = atomic_fetch_add_explicit(&entries, 1, ADD_ORDER) + 1; /* step 1 */
	/* step 2: admission */
	if (atomic_load_explicit(&successor, SUCC_LOAD) != 0 ||
	    counted + atomic_load_explicit(&tombstones, TOMB_LOAD) > LIMIT) {
		atomic_fetch_sub_explicit(&entries, 1, memory_order_seq_cst); /* refused */
		return NULL;
	}
	/* step 3: the fill, LP(insert); nothing else writes slot k, so it succeeds */
	uint64_t expected = 0;
	int filled = atomic_compare_exchange_strong_explicit(&slot[k], &expected, CONTROL(k),
							     memory_order_seq_cst,
							     memory_order_seq_cst);
	assert(filled);
	return NULL;
}

/* remove: count the tombstone, the slot CAS (LP), then entries -= 1. */
static void *remover(void *arg)
{
	(void)arg;
	atomic_fetch_add_explicit(&tombstones, 1, TOMB_ADD);
	uint64_t expected = CONTROL(0);
	int removed = atomic_compare_exchange_strong_explicit(
		&slot[0], &expected, CONTROL(0) & ~LIVE, memory_order_seq_cst, memory_order_seq_cst);
	assert(removed); /* nothing else writes slot 0 */
	atomic_fetch_sub_explicit(&entries, 1, DEC_ORDER);
	return NULL;
}

/* The migration's start: close T, then read E. */
static void *closer(void *arg)
{
	(void)arg;
	uint64_t expected = 0;
	int closed = atomic_compare_exchange_strong_explicit(&successor, &expected, CLOSED,
							     CLOSE_ORDER, CLOSE_FAILURE);
	assert(closed); /* the only closer */
	atomic_store_explicit(&closer_saw, atomic_load_explicit(&entries, E_LOAD),
			      memory_order_relaxed);
	return NULL;
}

/* A required migration (reserveCapacity) meets T closed without a successor: ensureSuccessor
 * sizes one itself, from entries read after it saw CLOSED. */
static void *helper(void *arg)
{
	(void)arg;
	if (atomic_load_explicit(&successor, ENSURE_SUCC_LOAD) == CLOSED)
		atomic_store_explicit(&helper_saw, atomic_load_explicit(&entries, ENSURE_LOAD),
				      memory_order_relaxed);
	return NULL;
}

int main(void)
{
	pthread_t i1, i2, r, c, h;
	atomic_init(&slot[0], CONTROL(0));
	atomic_init(&entries, 1);
	if (pthread_create(&i1, NULL, inserter, (void *)(intptr_t)1) ||
	    pthread_create(&i2, NULL, inserter, (void *)(intptr_t)2) ||
	    pthread_create(&r, NULL, remover, NULL) || pthread_create(&c, NULL, closer, NULL) ||
	    pthread_create(&h, NULL, helper, NULL))
		abort();
	pthread_join(i1, NULL);
	pthread_join(i2, NULL);
	pthread_join(r, NULL);
	pthread_join(c, NULL);
	pthread_join(h, NULL);

	int64_t live = 0, used = 0;
	for (int s = 0; s < SLOTS; s++) {
		uint64_t control = atomic_load_explicit(&slot[s], memory_order_relaxed);
		live += (control & LIVE) != 0;
		used += (control & USED) != 0;
	}
	assert(live <= atomic_load_explicit(&closer_saw, memory_order_relaxed) &&
	       "a key was admitted into T that the closer's E does not count");
	int64_t helper_e = atomic_load_explicit(&helper_saw, memory_order_relaxed);
	assert((helper_e < 0 || live <= helper_e) &&
	       "a key was admitted into T that ensureSuccessor's E does not count");
	assert(used <= LIMIT && "an admission under-counted the USED slots (V5)");
	return 0;
}
