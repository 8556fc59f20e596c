/*
 * Epoch-based reclamation of a retired table in the symmetric (seq_cst) fence mode
 * (Sources/LockFreeMap/Internal/_EpochDomain.swift: `pin`, `unpin`, `tryAdvance`,
 * `epochForRetire`; _Stripe+Migration.swift: `publish`, `retire`, `collectRetiredTables`),
 * step for step with the orders the code uses, for GenMC under RC11 and IMM.
 * docs/DESIGN.md, section 5 and section 6 (E2-E5, R1, S1).
 *
 * Freeing a table is modelled as poisoning it: the migrator stores FREED into its data (a
 * relaxed atomic, so that the check works under IMM too, where GenMC does not track
 * `free`), and a reader asserts it never reads FREED; and the free writes a plain field
 * that the reader reads plainly, so that under RC11 a free not ordered after the read is a
 * data race (what a reuse of the unmapped pages would be).
 *
 * Threads:
 *   two readers, each: pin (E2: load E, store its record E << 1 | 1, load E again, retry
 *     if it moved), load the stripe's table word (S1, acquire), read the table's plain
 *     data, unpin (E3, a release store of 0);
 *   one migrator: publish the successor (S1, a seq_cst CAS of the table word), retire the
 *     old table (R1: r = fetch_add(E, 0)), then collect twice (each: tryAdvance, E4/E5,
 *     then e = fetch_add(E, 0), and free the old table if r + 2 <= e).
 *
 * Variants:
 *   default                 the code's orders: pass
 *   -DPIN_RELEASE_ACQUIRE   the pin's store release and loads acquire instead of seq_cst
 *                           (no Dekker): fail
 *   -DSCAN_ACQUIRE          the advancer's record loads acquire instead of seq_cst: fail
 *   -DUNPIN_RELAXED         the unpin store relaxed: fail under RC11 (the reader's plain
 *                           read races with the free's plain write: nothing orders them);
 *                           passes under IMM, which has no data races and forbids the
 *                           load-buffering cycle a poisoned read would need
 *   -DFREE_AFTER_ONE        free once the epoch is r + 1: fail
 *
 * Not modelled: the asymmetric mode (a plain pin store ordered by the advancer's
 * `membarrier`, which C11 cannot express; DESIGN.md R-1 argues it from membarrier's
 * guarantee), the mode switch after a failed membarrier, registration (E7).
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef PIN_RELEASE_ACQUIRE
#define PIN_LOAD memory_order_acquire
#define PIN_STORE memory_order_release
#else
#define PIN_LOAD memory_order_seq_cst
#define PIN_STORE memory_order_seq_cst
#endif
#ifdef SCAN_ACQUIRE
#define SCAN_LOAD memory_order_acquire
#else
#define SCAN_LOAD memory_order_seq_cst
#endif
#ifdef UNPIN_RELAXED
#define UNPIN_STORE memory_order_relaxed
#else
#define UNPIN_STORE memory_order_release
#endif
#ifdef FREE_AFTER_ONE
#define ADVANCES_NEEDED 1
#else
#define ADVANCES_NEEDED 2
#endif

#define READERS 2

#define FREED (-1)

struct table {
	atomic_int data; /* the buckets a reader reads; FREED once the table is freed */
	int plain;       /* plain memory: the free writes it, as a reuse of the pages would */
};

static atomic_uint_fast64_t epoch;
static atomic_uint_fast64_t record[READERS]; /* pin state: e << 1 | 1, or 0 */
static _Atomic(struct table *) table_word;

static void pin(int me)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		uint64_t e = atomic_load_explicit(&epoch, PIN_LOAD);
		atomic_store_explicit(&record[me], e << 1 | 1, PIN_STORE);
		if (atomic_load_explicit(&epoch, PIN_LOAD) == e)
			return;
	}
	/* The migrator advances the epoch at most twice, so a third attempt always holds. */
	assert(0 && "pin retried more often than the epoch can move");
}

static void unpin(int me)
{
	atomic_store_explicit(&record[me], 0, UNPIN_STORE);
}

static void *reader(void *arg)
{
	int me = (int)(intptr_t)arg;
	pin(me);
#ifdef WORD_LOAD_RELAXED
	struct table *t = atomic_load_explicit(&table_word, memory_order_relaxed);
#else
	struct table *t = atomic_load_explicit(&table_word, memory_order_acquire);
#endif
	int seen = atomic_load_explicit(&t->data, memory_order_relaxed);
	int header = t->plain; /* RC11: a race with the free's plain write is an error */
	(void)header;
	assert(seen != FREED && "a reader read a table after it was freed");
	unpin(me);
	return NULL;
}

/* tryAdvance: advance E by one if every pinned record shows the current epoch. */
static void try_advance(void)
{
	uint64_t e = atomic_load_explicit(&epoch, memory_order_seq_cst);
	for (int r = 0; r < READERS; r++) {
		uint64_t state = atomic_load_explicit(&record[r], SCAN_LOAD);
		if ((state & 1) != 0 && (state >> 1) != e)
			return;
	}
	atomic_compare_exchange_strong_explicit(&epoch, &e, e + 1, memory_order_seq_cst,
						memory_order_seq_cst);
}

static void *migrator(void *arg)
{
	(void)arg;
	struct table *old = atomic_load_explicit(&table_word, memory_order_acquire);
	struct table *successor = malloc(sizeof(struct table));
	atomic_init(&successor->data, 2);
	successor->plain = 2;
	/* publish [S1] */
	struct table *expected = old;
	int published = atomic_compare_exchange_strong_explicit(
		&table_word, &expected, successor, memory_order_seq_cst, memory_order_seq_cst);
	assert(published);
	/* retire [R1] */
#ifdef RETIRE_LOAD
	uint64_t retired = atomic_load_explicit(&epoch, memory_order_seq_cst);
#else
	uint64_t retired = atomic_fetch_add_explicit(&epoch, 0, memory_order_seq_cst);
#endif
	/* collectRetiredTables, twice */
	for (int collect = 0; collect < 2 && old != NULL; collect++) {
		try_advance();
		uint64_t e = atomic_fetch_add_explicit(&epoch, 0, memory_order_seq_cst);
		if (retired + ADVANCES_NEEDED <= e) {
			atomic_store_explicit(&old->data, FREED, memory_order_relaxed); /* the free */
			old->plain = 0;
			old = NULL;
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t readers[READERS], m;
	struct table *first = malloc(sizeof(struct table));
	atomic_init(&first->data, 1);
	first->plain = 1;
	atomic_init(&table_word, first);
	for (int i = 0; i < READERS; i++)
		if (pthread_create(&readers[i], NULL, reader, (void *)(intptr_t)i))
			abort();
	if (pthread_create(&m, NULL, migrator, NULL))
		abort();
	for (int i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	pthread_join(m, NULL);
	return 0;
}
