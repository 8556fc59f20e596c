/*
 * The migration chain (docs/DESIGN.md: section 4, "The protocol" (the install, moving a
 * bucket, publishing); section 6, the rows [P1] (copy), [F1], [F2], [U1], [S1]), step for step
 * with the orders of `installSuccessor`, `isMigrated`, `setMigrated` (_Table.swift),
 * `migrateBucket`, `countMigrated`, `publish`, `moveOn` (_Stripe+Migration.swift) and
 * `lookup`'s table-word load, for GenMC under RC11 and IMM.
 *
 * What is new against the previous layout's chain (its model was migration_publish.c): the
 * migrated flags are bits,
 * and the bits of buckets 0 and 1 live in ONE bitmap word, so a thread that checks bucket
 * 0's bit may read it from the fetch_or that set bucket 1's (the release sequence of the
 * fetch_or that set bit 0 must carry the copy); and the successor S is found through
 * `successor(T)`, whose install CAS (CLOSED -> S) publishes S's header.
 *
 * The old table T has two buckets of one slot each (b0 holds key 10, b1 key 11) and is
 * closed (successor = CLOSED) before the threads start. Tables are named by small integers,
 * not addresses, so no order is lent by an address dependency (C and Swift do not keep
 * those; memory_order_consume is not implemented). Slot words are control words
 * (LIVE | USED | FROZEN | key) with the value packed in the low bits.
 *
 * Threads:
 *   I installs S: writes S's header (a plain field: its size class), then CAS successor(T)
 *     CLOSED -> S (DESIGN.md, section 4).
 *   A moves b0, B moves b1 (`migrateBucket`): check the bit (load); if set, done. Load
 *     successor(T): not S yet, stop (a real mover would `ensureSuccessor`; not modelled);
 *     read S's header (plain; asserts it is the installed one). Freeze the slot (CAS setting
 *     FROZEN); copy it into S if LIVE (insert-if-absent CAS); fetch_or the bucket's bit; the
 *     thread whose fetch_or set it adds 1 to `migratedCount`, and the one that brings it to 2
 *     publishes S (CAS of the stripe's table word T -> S).
 *   C meets the frozen slot of key 10 (`moveOn(home)`): runs `migrateBucket(b0)` as A does,
 *     and then, unless it stopped for want of a successor, reads key 10 in S: the copy must
 *     be there, whether C copied it, lost the copy race, or found the bit already set.
 *   D, a reader: loads the stripe's table word; if it is S, reads keys 10 and 11 in S:
 *     neither copy may be missing.
 *   E checks bits without moving: loads the bitmap word; for each bit it sees set, the
 *     bucket's copy must be in S.
 *
 * Variants:
 *   default                the code's orders: pass
 *   -DCHECK_RELAXED        the bit's check load relaxed: fail (C or E sees the bit, not the copy)
 *   -DFETCH_OR_RELAXED     the bit's fetch_or relaxed: fail
 *   -DFETCH_OR_RELEASE     the bit's fetch_or release, not acq_rel: pass (every mover copies
 *                          each LIVE slot itself, insert-if-absent, so it reads the copy it
 *                          needs through its own copy CAS; nothing acquires through the bit's
 *                          fetch_or that a count or a check does not acquire anyway)
 *   -DCOUNT_RELAXED        migratedCount's fetch-add relaxed: fail (D sees S published, a copy
 *                          missing)
 *   -DCOUNT_ACQ_REL        migratedCount's fetch-add acq_rel, not seq_cst: pass (the count is
 *                          a release/acquire chain of RMWs; no Dekker leans on it)
 *   -DWORD_LOAD_RELAXED    the reader's table-word load relaxed: fail
 *   -DCOPY_RELAXED         the copy's CAS relaxed: pass (the fetch_or's release orders the copy;
 *                          a mover whose copy CAS failed reads the winner's copy, and
 *                          coherence keeps it visible to whoever acquires that mover's bit)
 *   -DINSTALL_RELAXED      the install CAS relaxed: fail (a mover reads S's header unwritten;
 *                          under RC11 also a race on it)
 *   -DINSTALL_RELEASE      the install CAS release, not seq_cst: pass (release publishes the
 *                          header; seq_cst adds nothing here)
 *   -DSUCC_LOAD_RELAXED    a mover's successor load relaxed: fail
 *
 * Not modelled: buckets of several slots (V4's freeze in order 0..3), probing in S (each
 * key has its own slot there), a copy that finds a FROZEN slot in S, updates racing with the
 * freeze (M4: atomicity of the slot CAS, not an order), `ensureSuccessor` and the close
 * (v3_admission.c), `migrationCursor` chunks, retirement and freeing (epoch_reclaim.c), and
 * more than two buckets sharing a word.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef CHECK_RELAXED
#define CHECK_LOAD memory_order_relaxed
#else
#define CHECK_LOAD memory_order_acquire
#endif
#if defined(FETCH_OR_RELAXED)
#define FETCH_OR memory_order_relaxed
#elif defined(FETCH_OR_RELEASE)
#define FETCH_OR memory_order_release
#else
#define FETCH_OR memory_order_acq_rel
#endif
#if defined(COUNT_RELAXED)
#define COUNT_ORDER memory_order_relaxed
#elif defined(COUNT_ACQ_REL)
#define COUNT_ORDER memory_order_acq_rel
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
#if defined(INSTALL_RELAXED)
#define INSTALL_ORDER memory_order_relaxed
#define INSTALL_FAILURE memory_order_relaxed
#elif defined(INSTALL_RELEASE)
#define INSTALL_ORDER memory_order_release
#define INSTALL_FAILURE memory_order_relaxed
#else
#define INSTALL_ORDER memory_order_seq_cst
#define INSTALL_FAILURE memory_order_seq_cst
#endif
#ifdef SUCC_LOAD_RELAXED
#define SUCC_LOAD memory_order_relaxed
#else
#define SUCC_LOAD memory_order_acquire
#endif

#define LIVE (1ull << 63)
#define USED (1ull << 62)
#define FROZEN (1ull << 61)
#define SLOT(key, value) (LIVE | USED | (((uint64_t)(key)) << 32) | (uint32_t)(value))
#define KEY(slot) ((uint32_t)((slot) >> 32) & 0xffff)
#define BUCKETS 2
#define CLOSED 1
#define OLD_TABLE 2 /* T */
#define NEW_TABLE 3 /* S */
#define S_SIZE_CLASS 7

static _Atomic(uint64_t) old_slot[BUCKETS]; /* T's buckets, one slot each */
static _Atomic(uint64_t) migrated_bits;     /* T's bitmap: bits 0 and 1 share this word */
static atomic_int migrated_count;           /* T's header */
static atomic_int successor = CLOSED;       /* T's header: closed, no successor yet */
static int s_size_class;                    /* S's header: plain, written before the install */
static _Atomic(uint64_t) new_slot[BUCKETS]; /* S's slot for key 10 + b */
static atomic_int table_word = OLD_TABLE;   /* the stripe's table word */

static void install(void)
{
	s_size_class = S_SIZE_CLASS;
	int expected = CLOSED;
	atomic_compare_exchange_strong_explicit(&successor, &expected, NEW_TABLE, INSTALL_ORDER,
						INSTALL_FAILURE);
}

/* copy: insert-if-absent; a slot of the key in any state counts as present. */
static void copy(uint64_t frozen)
{
	if ((frozen & LIVE) == 0)
		return;
	uint64_t expected = 0;
	atomic_compare_exchange_strong_explicit(&new_slot[KEY(frozen) - 10], &expected,
						frozen & ~FROZEN, COPY_ORDER, COPY_ORDER);
}

/* publish: CAS the stripe's table word from T to S. */
static void publish(void)
{
	int expected = OLD_TABLE;
	atomic_compare_exchange_strong_explicit(&table_word, &expected, NEW_TABLE,
						memory_order_seq_cst, memory_order_seq_cst);
}

/* migrateBucket(b): 1 if this call set b's bit, 0 if the bit was set, -1 if no successor. */
static int migrate_bucket(int b)
{
	uint64_t bit = 1ull << b;
	if ((atomic_load_explicit(&migrated_bits, CHECK_LOAD) & bit) != 0)
		return 0;
	if (atomic_load_explicit(&successor, SUCC_LOAD) != NEW_TABLE)
		return -1;
	assert(s_size_class == S_SIZE_CLASS && "a mover read S's header before it was written");
	/* freeze (the slot CAS setting FROZEN; one other mover may have done it) */
	uint64_t seen = atomic_load_explicit(&old_slot[b], memory_order_acquire);
	if ((seen & FROZEN) == 0 &&
	    atomic_compare_exchange_strong_explicit(&old_slot[b], &seen, seen | FROZEN,
						    memory_order_seq_cst, memory_order_seq_cst))
		seen |= FROZEN;
	copy(seen);
	return (atomic_fetch_or_explicit(&migrated_bits, bit, FETCH_OR) & bit) == 0;
}

/* The thread whose fetch_or set the bit counts it; the count that reaches n publishes. */
static void count_migrated(int flagged)
{
	if (flagged != 1)
		return;
	if (atomic_fetch_add_explicit(&migrated_count, 1, COUNT_ORDER) + 1 == BUCKETS)
		publish();
}

static void *installer_i(void *arg)
{
	(void)arg;
	install();
	return NULL;
}

static void *mover(void *arg)
{
	count_migrated(migrate_bucket((int)(intptr_t)arg));
	return NULL;
}

static void *move_on_c(void *arg)
{
	(void)arg;
	int flagged = migrate_bucket(0);
	count_migrated(flagged);
	if (flagged >= 0) {
		uint64_t there = atomic_load_explicit(&new_slot[0], memory_order_acquire);
		assert(KEY(there) == 10 && "moveOn went on to S before key 10's copy was visible");
	}
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

static void *checker_e(void *arg)
{
	(void)arg;
	uint64_t bits = atomic_load_explicit(&migrated_bits, CHECK_LOAD);
	for (int b = 0; b < BUCKETS; b++) {
		if ((bits & (1ull << b)) == 0)
			continue;
		uint64_t there = atomic_load_explicit(&new_slot[b], memory_order_acquire);
		assert(KEY(there) == 10 + b && "a migrated bit was seen before its bucket's copy");
	}
	return NULL;
}

int main(void)
{
	pthread_t i, a, b, c, d, e;
	atomic_init(&old_slot[0], SLOT(10, 100));
	atomic_init(&old_slot[1], SLOT(11, 111));
	if (pthread_create(&i, NULL, installer_i, NULL) ||
	    pthread_create(&a, NULL, mover, (void *)(intptr_t)0) ||
	    pthread_create(&b, NULL, mover, (void *)(intptr_t)1) ||
	    pthread_create(&c, NULL, move_on_c, NULL) || pthread_create(&d, NULL, reader_d, NULL) ||
	    pthread_create(&e, NULL, checker_e, NULL))
		abort();
	pthread_join(i, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	pthread_join(d, NULL);
	pthread_join(e, NULL);
	return 0;
}
