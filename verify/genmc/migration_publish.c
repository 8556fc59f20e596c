/*
 * A migration's publication chain (Sources/LockFreeMap/Internal/_Stripe+Migration.swift:
 * `migrateBucket`, `countMigrated`, `publish`, `moveOn`; and `lookup`'s table-word load in
 * _Stripe+Operations.swift), step for step with the orders the code uses, for GenMC under
 * RC11 and IMM. docs/DESIGN.md, section 4 (M2) and section 6 (F1, F2, S1).
 *
 * An old table of two head buckets, each holding one live entry, is migrated into a
 * successor. Per bucket: copy the entry into the successor (P1, an insert-if-absent CAS on
 * the successor slot), then set the head's migrated flag (F1, a CAS 0 -> 1: one caller
 * wins); the winner adds its bucket to the migrated count (F2, a fetch-add) and the one
 * that brings it to 2 publishes the successor as the stripe's table word (S1, a CAS).
 * Slot words are (key << 32 | value) packed, as the control and value of a pair; the
 * freeze before the copy is left out here (it is the slot protocol's, not the chain's).
 *
 * Threads:
 *   A moves bucket 0, B moves bucket 1 (a writer's chunk each, `helpMigration`);
 *   C is an operation that met a frozen slot in bucket 0 (`moveOn`): it runs
 *     `migrateBucket` on bucket 0 and then acts on the key in the successor, so the key's
 *     copy must be there (M2);
 *   D is a reader: it loads the stripe's table word (S1) and, if it names the successor,
 *     reads both keys there: neither may be missing (every copy happens before the
 *     publication it sees).
 *
 * Variants:
 *   default               the code's orders: pass
 *   -DFLAG_LOAD_RELAXED   the flag's check loaded relaxed (F1): C acts before seeing the copy: fail
 *   -DFLAG_CAS_RELAXED    the flag CAS relaxed, success and failure (F1): fail
 *   -DCOUNT_RELAXED       the migrated count's fetch-add relaxed (F2): D sees the successor
 *                         published without the other bucket's copy: fail
 *   -DWORD_LOAD_RELAXED   the reader's table-word load relaxed (S1): fail
 *   -DCOPY_RELAXED        the copy's CAS relaxed: pass (the flag's release orders the copy)
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef FLAG_LOAD_RELAXED
#define FLAG_LOAD memory_order_relaxed
#else
#define FLAG_LOAD memory_order_acquire
#endif
#ifdef FLAG_CAS_RELAXED
#define FLAG_CAS memory_order_relaxed
#define FLAG_CAS_FAILURE memory_order_relaxed
#else
#define FLAG_CAS memory_order_acq_rel
#define FLAG_CAS_FAILURE memory_order_acquire
#endif
#ifdef COUNT_RELAXED
#define COUNT_ORDER memory_order_relaxed
#else
#define COUNT_ORDER memory_order_seq_cst
#endif
#ifdef WORD_LOAD_RELAXED
#define WORD_LOAD memory_order_relaxed
#else
#define WORD_LOAD memory_order_acquire
#endif
#ifdef COPY_RELAXED
#define COPY_ORDER memory_order_relaxed
#else
#define COPY_ORDER memory_order_seq_cst
#endif

#define SLOT(key, value) ((((uint64_t)(key)) << 32) | (uint32_t)(value))
#define KEY(slot) ((uint32_t)((slot) >> 32))
#define BUCKETS 2
#define OLD_TABLE 1
#define NEW_TABLE 2

static _Atomic(uint64_t) old_slot[BUCKETS]; /* frozen: written before the threads start */
static _Atomic(uint64_t) new_slot[BUCKETS]; /* the successor's slot for each key */
static atomic_int migrated[BUCKETS];        /* the old heads' migrated flags */
static atomic_int migrated_count;
static atomic_int table_word = OLD_TABLE;

/* copy: insert-if-absent; a slot of the key in any state counts as present. */
static void copy(int b)
{
	uint64_t entry = atomic_load_explicit(&old_slot[b], memory_order_acquire);
	uint64_t expected = 0;
	atomic_compare_exchange_strong_explicit(&new_slot[b], &expected, entry, COPY_ORDER,
						COPY_ORDER);
}

/* publish: CAS the table word from the old table to the successor. */
static void publish(void)
{
	int expected = OLD_TABLE;
	atomic_compare_exchange_strong_explicit(&table_word, &expected, NEW_TABLE,
						memory_order_seq_cst, memory_order_seq_cst);
}

/* migrateBucket: returns whether this call set the flag. */
static int migrate_bucket(int b)
{
	if (atomic_load_explicit(&migrated[b], FLAG_LOAD) != 0)
		return 0;
	copy(b);
	int expected = 0;
	return atomic_compare_exchange_strong_explicit(&migrated[b], &expected, 1, FLAG_CAS,
						       FLAG_CAS_FAILURE);
}

/* countMigrated: the last count publishes. */
static void count_migrated(int flagged)
{
	if (flagged == 0)
		return;
	if (atomic_fetch_add_explicit(&migrated_count, flagged, COUNT_ORDER) + flagged == BUCKETS)
		publish();
}

static void *mover_a(void *arg)
{
	(void)arg;
	count_migrated(migrate_bucket(0));
	return NULL;
}

static void *mover_b(void *arg)
{
	(void)arg;
	count_migrated(migrate_bucket(1));
	return NULL;
}

static void *move_on_c(void *arg)
{
	(void)arg;
	count_migrated(migrate_bucket(0));
	/* Acts on key 10 in the successor: its copy must be visible (M2). */
	uint64_t there = atomic_load_explicit(&new_slot[0], memory_order_acquire);
	assert(KEY(there) == 10 && "moveOn returned before the chain's copy was visible");
	return NULL;
}

static void *reader_d(void *arg)
{
	(void)arg;
	if (atomic_load_explicit(&table_word, WORD_LOAD) == NEW_TABLE) {
		for (int b = 0; b < BUCKETS; b++) {
			uint64_t there = atomic_load_explicit(&new_slot[b], memory_order_acquire);
			assert(KEY(there) == 10 + b && "a published successor lacks a copy");
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t a, b, c, d;
	atomic_init(&old_slot[0], SLOT(10, 100));
	atomic_init(&old_slot[1], SLOT(11, 111));
	if (pthread_create(&a, NULL, mover_a, NULL) || pthread_create(&b, NULL, mover_b, NULL) ||
	    pthread_create(&c, NULL, move_on_c, NULL) || pthread_create(&d, NULL, reader_d, NULL))
		abort();
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	pthread_join(d, NULL);
	return 0;
}
