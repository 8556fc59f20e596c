/*
 * Table v3 (docs/DESIGN.md, sections 2-4; _Stripe+Operations.swift, _Stripe+Migration.swift):
 * one stripe, a table A of
 * open-addressed buckets whose overflow is the next bucket (mod the bucket count), a
 * migration to its successor S started by closing A, and the single-key operations racing
 * with it, at the granularity of their atomic steps. SPIN explores every interleaving
 * (sequential consistency; the memory orders of DESIGN.md section 6 are GenMC's job).
 *
 * The model's tables: A has NBA = 3 buckets, S has NBS = 4, each bucket SLOTS = 2 slots
 * (the protocol does not depend on the slot count). A slot is (control, value): control is
 * a key id (bits 0-2) with USED, LIVE and FROZEN bits; empty is (0, 0), a tombstone keeps
 * its key and value (USED without LIVE). Every change of a slot is one step that checks the
 * whole slot first, as the 16-byte CAS does; a control load and a value load are separate
 * steps. The home bucket of a key is a table per key and table (HOME below), monotone in a
 * hash order (4 < 1 < 2 < 3) as mulhi is: in A, keys 1, 2, 3 have home 2 and key 4 home 0;
 * in S, keys 1, 2, 3 have home 3 and key 4 home 0. A starts as
 *     bucket 0: [3 -> 3, empty]   bucket 1: [empty, empty]   bucket 2: [1 -> 1, 2 -> 2]
 * so key 3 sits outside its home bucket (its probe crosses bucket 2 and wraps to 0) and
 * key 4's home bucket holds it; in S the third of keys 1-3 to arrive wraps from 3 to 0.
 *
 * Counters: entries (the stripe's), tombstones(A), tombstones(S). Limits: L(A) = 4 (of 6
 * slots) and L(S) = E, the entry count its installer read after the close. The code sizes S
 * with E <= G(S) < L(S); E = L(S) is the tightest sizing the argument (DESIGN.md,
 * "Admission") allows, so
 * V5 is checked at its sharpest and an extra key in S cannot hide in slack. An insert
 * refused by S (S full: its own migration would start) ends the operation with no result
 * here: chained migrations are not modelled.
 *
 * Processes: a migrator (ensureSuccessor: close A, read E, install S; then migrateBucket
 * on each of A's buckets, and publish as finishMigration does), a writer making two
 * operations (each of upsert = updateValue and remove, on key 3 or key 4; the second may be
 * skipped), and a reader looking up keys 3 and 4. -DWRITERS=2 adds a second writer. The
 * migrator's order: -DMIG_ORDER=1 (the default, and CI's) last bucket to first, as
 * finishMigration scans; 2: last to first or first to last; 0: any of the 6 orders. The
 * writer's moveOn moves buckets out of order in every case: from key 4's home, bucket 0
 * goes before the migrator's bucket 2 is done.
 *
 * What it checks:
 * - Linearizability against a ghost map, per key: every write that changes
 *   the map does so in one step (its CAS) that asserts the ghost value it replaces and
 *   updates the ghost; every result that is a read (a lookup, or a removal that found the
 *   key absent) must be a value the ghost held at some instant during the operation.
 * - At every fill of an empty slot (insert or copy): V2 (the key has at most one USED slot
 *   in the table), V3 (every slot from slot 0 of the key's home bucket to the filled one is
 *   USED) and V5 (used(T) <= L(T)). Every probe ends within the table's slots and every
 *   moveOn within its buckets. The closer sizes S for E (E < slots(S)).
 * - At the end: S is published, S holds exactly the ghost map, entries = live(S) and
 *   tombstones(S) = the tombstones in S.
 *
 * Planted bugs (spin -D...), each of which the check must catch:
 *   BUG_COPY_REVIVES      a copy counts only a LIVE slot of its key as present in S
 *   BUG_FREEZE_SKIPS      the freeze leaves the last slot of every bucket unfrozen
 *   BUG_NO_DUP_CHECK      an insert takes the first empty slot without looking for the
 *                         key's own slot
 *   BUG_MOVEON_HOME_ONLY  moveOn migrates only the key's home bucket, not up to the first
 *                         bucket with an empty slot
 *   BUG_NO_CLOSE_CHECK    admission does not check whether the table is closed or has a
 *                         successor
 *   BUG_NO_FALLBACK       a lookup that met its key's frozen slot and finds no slot of it
 *                         in S answers "absent"
 *
 * Not covered: chained migrations (S is never closed; a copy's "frozen slot in S ends the
 * copy" branch is present but unreachable), helpers claiming chunks by migrationCursor
 * (the migrator takes buckets in any order, and moveOn takes them from a key's home),
 * the G(T) trigger, shrinking, two installers' separate allocations (both install the one
 * S here, which nothing writes before it is installed), a refusal by L(A) while A is open
 * (one writer never exceeds L(A), so only the migrator closes A; a writer does install S
 * when it finds A closed without one), compareExchange and wrappingAdd, reclamation, and
 * every memory order.
 */

#define SLOTS 2          /* slots per bucket */
#define NBA 3            /* buckets of A (table 0) */
#define NBS 4            /* buckets of S (table 1) */
#define KEYS 5           /* keys 1 .. 4 */
#define LIMIT_A 4        /* L(A) */
#ifndef MIG_ORDER
#define MIG_ORDER 1      /* the migrator's order: see above */
#endif
#ifndef WRITERS
#define WRITERS 1
#endif
#define NPROC (3 + WRITERS) /* process ids: init, the migrator, the writers, the reader */

/* control bits */
#define KEYMASK 7
#define USED 8
#define LIVE 16
#define FROZEN 32
#define KEYOF(c) ((c) & KEYMASK)

/* successor(A): 0 open, CLOSED, or INSTALLED (S is the successor); successor(S) is 0 */
#define CLOSED 1
#define INSTALLED 2

#define SI(t, b, i) ((t) * NBA * SLOTS + (b) * SLOTS + (i))
#define NB(t) ((t) == 0 -> NBA : NBS)
#define HOME(t, k) ((t) == 0 -> ((k) == 4 -> 0 : 2) : ((k) == 4 -> 0 : 3))
#define LIM(t) ((t) == 0 -> LIMIT_A : limS)

byte ctl[(NBA + NBS) * SLOTS];
byte val[(NBA + NBS) * SLOTS];
byte succA;                       /* successor(A) */
byte limS;                        /* L(S), set by the install */
byte entries;                     /* the stripe's entry counter */
byte tomb[2];                     /* tombstones(A), tombstones(S) */
bit migbit[NBA];                  /* A's migrated bitmap */
byte migCount;                    /* A's migratedCount */
byte current;                     /* the stripe's table word: 0 = A, 1 = S */

byte ghost[KEYS];                 /* the abstract map: 0 = absent */
byte seen[NPROC];                 /* values the ghost held for obsKey during the op (bit set) */
byte obsKey[NPROC];

/* scratch of the checks (inside d_steps, reset after) and of each routine, per process */
#define CHECKLOCALS byte gp, tb, tj, tn
#define MIGLOCALS byte mi, mc, mv, mw, cb, ci, cc, cs; bit cdone
#define ENSLOCALS byte es, ee
#define MOVELOCALS byte ob, oi, os; bit ofound
#define UPSLOCALS byte ut, ub, ui, us, uc, uv, ue, uo, utb; bit udone
#define REMLOCALS byte rt, rb, ri, rs, rc, rv; bit rdone, rok
#define LOOKLOCALS byte lt, lb, li, ls, lc, lv, lfb; bit ldone

inline ghostSet(k, v) {
    ghost[k] = v;
    gp = 0;
    do
    :: gp < NPROC -> if :: obsKey[gp] == k -> seen[gp] = seen[gp] | (1 << v) :: else fi; gp++
    :: else -> break
    od;
    gp = 0
}

inline observe(k) { d_step { obsKey[_pid] = k; seen[_pid] = 1 << ghost[k] } }
inline checkRead(r) { atomic { assert(seen[_pid] & (1 << r)); obsKey[_pid] = 0; seen[_pid] = 0 } }
inline forget() { atomic { obsKey[_pid] = 0; seen[_pid] = 0 } }

/* The next slot of a probe in table t: slot i + 1, or slot 0 of the next bucket (mod the
 * bucket count). A probe that has read every slot of the table never ended (V5 broken). */
inline nextSlot(t, b, i, s) {
    d_step {
        i++;
        if :: i == SLOTS -> i = 0; b = (b + 1) % NB(t) :: else fi;
        s++;
        assert(s < NB(t) * SLOTS)
    }
}

/* Inside the step that filled slot (t, b, i) with k: V2, V5, V3. */
inline checkFill(t, b, i, k) {
    tj = 0; tn = 0;
    do
    :: tj < NB(t) * SLOTS ->
        if :: (ctl[SI(t, 0, tj)] & USED) && KEYOF(ctl[SI(t, 0, tj)]) == k -> tn++ :: else fi; tj++
    :: else -> break
    od;
    assert(tn <= 1);                                   /* V2 */
    tj = 0; tn = 0;
    do
    :: tj < NB(t) * SLOTS -> if :: ctl[SI(t, 0, tj)] & USED -> tn++ :: else fi; tj++
    :: else -> break
    od;
    assert(tn <= LIM(t));                              /* V5 */
    tb = HOME(t, k); tj = 0;
    do
    :: tb == b && tj == i -> break
    :: else ->
        assert(ctl[SI(t, tb, tj)] & USED);             /* V3 */
        tj++;
        if :: tj == SLOTS -> tj = 0; tb = (tb + 1) % NB(t) :: else fi
    od;
    tb = 0; tj = 0; tn = 0
}

/* copy(k, v) into S: insert-if-absent where a slot of k in any state counts as present; a
 * frozen slot in S ends the copy (a late duplicate; S is never frozen here). */
inline copy(k, v) {
    cb = HOME(1, k); ci = 0; cs = 0; cdone = 0;
    do
    :: cdone -> break
    :: else ->
        cc = ctl[SI(1, cb, ci)];
        if
        :: cc & FROZEN -> cdone = 1
#ifdef BUG_COPY_REVIVES
        :: !(cc & FROZEN) && (cc & LIVE) && KEYOF(cc) == k -> cdone = 1
        :: !(cc & FROZEN) && (cc & USED) && !((cc & LIVE) && KEYOF(cc) == k) -> nextSlot(1, cb, ci, cs)
#else
        :: !(cc & FROZEN) && (cc & USED) && KEYOF(cc) == k -> cdone = 1   /* present */
        :: !(cc & FROZEN) && (cc & USED) && KEYOF(cc) != k -> nextSlot(1, cb, ci, cs)
#endif
        :: !(cc & FROZEN) && !(cc & USED) ->
            d_step {   /* CAS (0, 0) -> (USED | LIVE | k, v); on failure look at the slot again */
                if
                :: ctl[SI(1, cb, ci)] == 0 && val[SI(1, cb, ci)] == 0 ->
                    ctl[SI(1, cb, ci)] = USED | LIVE | k; val[SI(1, cb, ci)] = v;
                    checkFill(1, cb, ci, k); cdone = 1
                :: else
                fi
            }
        fi
    od;
    cb = 0; ci = 0; cc = 0; cs = 0; cdone = 0
}

/* migrateBucket(b) of A: check the bit; freeze slots 0 .. SLOTS-1 in order; copy each LIVE
 * slot into S; set the bit (test-and-set); the setter counts, and the count that reaches
 * NBA publishes S.
 * The freeze of a slot is one step: the code's loop (load the pair, CAS it to the same
 * pair | FROZEN, retry with the pair a failed CAS returns) changes nothing until its CAS
 * succeeds, and that CAS sets FROZEN on whatever the slot holds then. */
inline migrateBucket(b) {
    assert(succA == INSTALLED);   /* buckets move only into an installed successor */
    if
    :: migbit[b] -> skip
    :: else ->
        mi = 0;
        do
        :: mi < SLOTS ->
#ifdef BUG_FREEZE_SKIPS
            if
            :: mi < SLOTS - 1 -> d_step { ctl[SI(0, b, mi)] = ctl[SI(0, b, mi)] | FROZEN }
            :: else
            fi;
#else
            d_step { ctl[SI(0, b, mi)] = ctl[SI(0, b, mi)] | FROZEN };
#endif
            mi++
        :: else -> break
        od;
        mi = 0;
        do
        :: mi < SLOTS ->
            mc = ctl[SI(0, b, mi)];
            if
            :: mc & LIVE -> mv = val[SI(0, b, mi)]; copy(KEYOF(mc), mv)
            :: else
            fi;
            mi++
        :: else -> break
        od;
        atomic { mi = 0; mc = 0; mv = 0; mw = 0; if :: !migbit[b] -> migbit[b] = 1; mw = 1 :: else fi };
        if
        :: mw -> d_step { migCount++; mw = migCount };
            if
            :: mw == NBA -> d_step { if :: current == 0 -> current = 1 :: else fi }
            :: else
            fi
        :: else
        fi;
        mw = 0
    fi
}

/* ensureSuccessor(A): close A if it is open (CAS 0 -> CLOSED), and if it is closed without
 * a successor, read E = entries, size S for E and race to install it (CAS CLOSED -> S,
 * L(S) = E). A CAS that fails returns what it found. */
inline ensureSuccessor() {
    es = succA;
    if
    :: es == 0 -> d_step { if :: succA == 0 -> succA = CLOSED; es = CLOSED :: else -> es = succA fi }
    :: else
    fi;
    if
    :: es == CLOSED ->
        ee = entries;
        assert(ee < NBS * SLOTS);   /* S, allocated for E keys, has room for them and an empty slot */
        d_step { if :: succA == CLOSED -> succA = INSTALLED; limS = ee :: else fi }
    :: else
    fi;
    d_step { es = 0; ee = 0 }
}

/* moveOn(home) in A for key k: migrate buckets home, home + 1, ... (mod NBA) until one
 * with an empty (now frozen) slot. The scan of a migrated bucket is one step: its slots
 * are frozen and never change again. */
inline moveOn(k) {
    ob = HOME(0, k); os = 0;
    do
    :: true ->
        migrateBucket(ob);
#ifdef BUG_MOVEON_HOME_ONLY
        break
#else
        d_step {
            ofound = 0; oi = 0;
            do
            :: oi < SLOTS -> if :: !(ctl[SI(0, ob, oi)] & USED) -> ofound = 1 :: else fi; oi++
            :: else -> break
            od;
            oi = 0
        };
        if
        :: ofound -> break
        :: else -> d_step { ob = (ob + 1) % NBA; os++; assert(os < NBA) }
        fi
#endif
    od;
    atomic { ob = 0; os = 0; ofound = 0 }
}

/* The successor of A, after moveOn: S. */
inline toSuccessor(t) { d_step { assert(t == 0 && succA == INSTALLED); t = 1 } }

/* updateValue(v, forKey: k): res = the old value (0: absent), or 255 when S refused the
 * insert (S full; its migration is not modelled). */
inline upsert(k, v, res) {
    ut = current; ub = HOME(ut, k); ui = 0; us = 0; udone = 0;
    do
    :: udone -> break
    :: else ->
        uc = ctl[SI(ut, ub, ui)];
        if
        :: uc & FROZEN ->
            moveOn(k); toSuccessor(ut); d_step { ub = HOME(ut, k); ui = 0; us = 0 }
#ifndef BUG_NO_DUP_CHECK
        :: !(uc & FROZEN) && (uc & LIVE) && KEYOF(uc) == k ->
            /* update: CAS (c, v0) -> (c, v) expecting it unfrozen */
            uv = val[SI(ut, ub, ui)];
            d_step {
                if
                :: ctl[SI(ut, ub, ui)] == uc && val[SI(ut, ub, ui)] == uv ->
                    assert(ghost[k] == uv); res = uv; val[SI(ut, ub, ui)] = v; ghostSet(k, v); udone = 1
                :: else   /* changed or frozen: look at the slot again */
                fi;
                uv = 0
            }
        :: !(uc & FROZEN) && (uc & USED) && KEYOF(uc) != k -> nextSlot(ut, ub, ui, us)
        :: !(uc & FROZEN) && (uc & USED) && !(uc & LIVE) && KEYOF(uc) == k ->
            uv = val[SI(ut, ub, ui)];   /* a revival of k's tombstone */
            insertAt(k, v, res)
#else
        :: !(uc & FROZEN) && (uc & USED) -> nextSlot(ut, ub, ui, us)
#endif
        :: !(uc & FROZEN) && !(uc & USED) -> uv = 0; insertAt(k, v, res)   /* a fill */
        fi
    od;
    atomic { ut = 0; ub = 0; ui = 0; us = 0; uc = 0; udone = 0 }
}

/* The insert at slot (ut, ub, ui), which held (uc, uv) (empty, or k's tombstone):
 * entries += 1, admission, CAS; refused: entries -= 1, ensureSuccessor, moveOn, start over
 * in S; a failed CAS: entries -= 1 and look at the slot again. */
inline insertAt(k, v, res) {
    d_step { entries++; ue = entries };
    uo = (ut == 0 -> succA : 0);   /* successor(T), seq_cst */
    utb = tomb[ut];                /* tombstones(T) */
    if
#ifdef BUG_NO_CLOSE_CHECK
    :: ue + utb > LIM(ut) ->
#else
    :: uo != 0 || ue + utb > LIM(ut) ->
#endif
        d_step { entries--; ue = 0; uo = 0; utb = 0; uv = 0 };
        if
        :: ut == 1 -> res = 255; udone = 1   /* S is full: its own migration is not modelled */
        :: else ->
            ensureSuccessor(); moveOn(k); toSuccessor(ut); d_step { ub = HOME(ut, k); ui = 0; us = 0 }
        fi
    :: else ->
        d_step {
            ue = 0; uo = 0; utb = 0;
            if
            :: ctl[SI(ut, ub, ui)] == uc && val[SI(ut, ub, ui)] == uv ->
                assert(ghost[k] == 0); res = 0;
                ctl[SI(ut, ub, ui)] = USED | LIVE | k; val[SI(ut, ub, ui)] = v;
                if :: !(uc & USED) -> checkFill(ut, ub, ui, k) :: else fi;
                ghostSet(k, v); udone = 1
            :: else
            fi;
            uv = 0
        };
        if
        :: udone && (uc & USED) -> d_step { tomb[ut]-- }   /* a revival: one tombstone less */
        :: !udone -> d_step { entries-- }                  /* lost the slot: look again */
        :: else
        fi
    fi
}

/* removeValue(forKey: k): res = the removed value (0: absent). */
inline remove(k, res) {
    rt = current; rb = HOME(rt, k); ri = 0; rs = 0; rdone = 0;
    observe(k);
    do
    :: rdone -> break
    :: else ->
        rc = ctl[SI(rt, rb, ri)];
        if
        :: rc & FROZEN ->
            moveOn(k); toSuccessor(rt); d_step { rb = HOME(rt, k); ri = 0; rs = 0 }
        :: !(rc & FROZEN) && !(rc & USED) -> res = 0; rdone = 1                       /* absent */
        :: !(rc & FROZEN) && (rc & USED) && KEYOF(rc) != k -> nextSlot(rt, rb, ri, rs)
        :: !(rc & FROZEN) && (rc & USED) && !(rc & LIVE) && KEYOF(rc) == k -> res = 0; rdone = 1 /* tombstone */
        :: !(rc & FROZEN) && (rc & LIVE) && KEYOF(rc) == k ->
            rv = val[SI(rt, rb, ri)];
            d_step { tomb[rt]++ };   /* counted before the CAS */
            d_step {
                rok = 0;
                if
                :: ctl[SI(rt, rb, ri)] == rc && val[SI(rt, rb, ri)] == rv ->
                    assert(ghost[k] == rv); res = rv;
                    ctl[SI(rt, rb, ri)] = rc & ~LIVE; ghostSet(k, 0); rok = 1
                :: else
                fi
            };
            if
            :: rok -> d_step { entries--; rdone = 1; rok = 0; rv = 0 }
            :: else -> d_step { tomb[rt]--; rv = 0 }   /* taken back; look at the slot again */
            fi
        fi
    od;
    if :: res == 0 -> checkRead(0) :: else -> forget() fi;
    d_step { rt = 0; rb = 0; ri = 0; rs = 0; rc = 0; rdone = 0 }
}

/* value(forKey: k), 0 if absent: probe the current table; an unfrozen ending slot answers;
 * a frozen one is remembered and the probe goes on in the successor, where "missing"
 * answers with what was remembered. */
inline lookup(k, res) {
    lt = current; lb = HOME(lt, k); li = 0; ls = 0; lfb = 0; ldone = 0;
    observe(k);
    do
    :: ldone -> break
    :: else ->
        lc = ctl[SI(lt, lb, li)];
        if
        :: (lc & USED) && KEYOF(lc) != k -> nextSlot(lt, lb, li, ls)
        :: !(lc & USED) || KEYOF(lc) == k ->   /* the slot that ends the probe */
            if :: lc & LIVE -> lv = val[SI(lt, lb, li)] :: else -> lv = 0 fi;
            if
            :: !(lc & FROZEN) && (lc & LIVE) -> res = lv; ldone = 1
            :: !(lc & FROZEN) && (lc & USED) && !(lc & LIVE) -> res = 0; ldone = 1
#ifdef BUG_NO_FALLBACK
            :: !(lc & FROZEN) && !(lc & USED) -> res = 0; ldone = 1
#else
            :: !(lc & FROZEN) && !(lc & USED) -> res = lfb; ldone = 1
#endif
            :: lc & FROZEN ->
                d_step { lfb = lv; assert(lt == 0 && succA == INSTALLED); lt = 1; lb = HOME(lt, k); li = 0; ls = 0 }
            fi
        fi
    od;
    checkRead(res);
    d_step { lt = 0; lb = 0; li = 0; ls = 0; lc = 0; lv = 0; lfb = 0; ldone = 0 }
}

proctype Migrator() {
    CHECKLOCALS; MIGLOCALS; ENSLOCALS;
    byte todo = (1 << NBA) - 1, b;
    ensureSuccessor();
#if MIG_ORDER == 0
    /* migrateBucket on every bucket, in any order */
    do
    :: todo == 0 -> break
    :: todo & 1 -> todo = todo & ~1; b = 0; migrateBucket(b)
    :: todo & 2 -> todo = todo & ~2; b = 1; migrateBucket(b)
    :: todo & 4 -> todo = todo & ~4; b = 2; migrateBucket(b)
    od;
#elif MIG_ORDER == 1
    b = NBA - 1;
    do
    :: true -> migrateBucket(b); if :: b == 0 -> break :: else -> b-- fi
    od;
#else
    if
    :: b = NBA - 1;
        do
        :: true -> migrateBucket(b); if :: b == 0 -> break :: else -> b-- fi
        od
    :: b = 0;
        do
        :: true -> migrateBucket(b); if :: b == NBA - 1 -> break :: else -> b++ fi
        od
    fi;
#endif
    /* finishMigration: every bit is set; publish if the count has not */
    atomic { if :: current == 0 -> current = 1 :: else fi }
}

/* Writer: two operations, each an upsert (first / second value) or a remove, on key 3
 * (present, outside its home bucket) or key 4 (absent, its home bucket holds key 3); the
 * second may be skipped. */
proctype Writer(byte first; byte second) {
    CHECKLOCALS; MIGLOCALS; ENSLOCALS; MOVELOCALS; UPSLOCALS; REMLOCALS;
    byte res, k;
    if :: k = 3 :: k = 4 fi;
    if
    :: upsert(k, first, res)
    :: remove(k, res)
    fi;
    if :: k = 3 :: k = 4 fi;
    if
    :: upsert(k, second, res)
    :: remove(k, res)
    :: skip
    fi
}

proctype Reader() {
    CHECKLOCALS; LOOKLOCALS;
    byte res;
    lookup(3, res);
    lookup(4, res)
}

init {
    atomic {
        ctl[SI(0, 2, 0)] = USED | LIVE | 1; val[SI(0, 2, 0)] = 1;
        ctl[SI(0, 2, 1)] = USED | LIVE | 2; val[SI(0, 2, 1)] = 2;
        ctl[SI(0, 0, 0)] = USED | LIVE | 3; val[SI(0, 0, 0)] = 3;
        ghost[1] = 1; ghost[2] = 2; ghost[3] = 3; entries = 3;
        run Migrator(); run Writer(4, 5);
#if WRITERS > 1
        run Writer(6, 7);
#endif
        run Reader()
    }
    (_nr_pr == 1);
    /* At the end: S is published and holds exactly the ghost map; the counters match it. */
    assert(current == 1 && succA == INSTALLED);
    byte k = 1, j, found, n, live, tombs;
    do
    :: k < KEYS ->
        found = 0; n = 0; j = 0;
        do
        :: j < NBS * SLOTS ->
            if
            :: (ctl[SI(1, 0, j)] & USED) && KEYOF(ctl[SI(1, 0, j)]) == k ->
                n++; if :: ctl[SI(1, 0, j)] & LIVE -> found = val[SI(1, 0, j)] :: else fi
            :: else
            fi;
            j++
        :: else -> break
        od;
        assert(n <= 1 && found == ghost[k]);
        k++
    :: else -> break
    od;
    j = 0;
    do
    :: j < NBS * SLOTS ->
        if :: ctl[SI(1, 0, j)] & LIVE -> live++ :: (ctl[SI(1, 0, j)] & USED) && !(ctl[SI(1, 0, j)] & LIVE) -> tombs++ :: else fi;
        j++
    :: else -> break
    od;
    assert(entries == live && tomb[1] == tombs)
}
