/*
 * One stripe of LockFreeInt64Map, a migration from table A to its successor B, and the
 * single-key operations racing with it, at the granularity of their atomic steps
 * (Sources/LockFreeMap/Internal/_Stripe+Operations.swift, _Stripe+Migration.swift;
 * docs/DESIGN.md, sections 3 and 4). SPIN explores every interleaving (sequential
 * consistency; the memory orders are GenMC's job, verify/genmc).
 *
 * The model's table: a head bucket and overflow buckets of SLOTS slots each. A slot is
 * (key, live, frozen, value): key 0 is an empty slot, key != 0 is USED (a tombstone when
 * not live). Every change of a slot is one atomic step that checks the whole slot first,
 * as the 16-byte CAS does; a load of the control word (key, live, frozen) and a load of
 * the value are separate steps. A link is (next bucket, frozen bit), changed by CAS.
 *
 * What it checks:
 * - Linearizability against a ghost map, per key: every write that changes the map does
 *   so in one step (its CAS) that asserts the ghost value it replaces and updates the
 *   ghost; every result that is a read (a lookup, or a write that found the key absent)
 *   must be a value the ghost held at some instant during the operation (each process
 *   records the ghost's values from its start to its end).
 * - T2 at every step that fills a slot: a key has at most one USED slot per table.
 * - At the end: the current table holds exactly the ghost map.
 *
 * Planted bugs (spin -D...), each of which the check must catch:
 *   BUG_COPY_REVIVES      a copy counts only a LIVE slot of the key as present in B, so a
 *                         late copy adds a second slot for a key removed in B
 *   BUG_FREEZE_SKIPS      the freeze leaves the last slot of every bucket unfrozen, so a
 *                         write can land there after the copy read it
 *   BUG_NO_DUP_CHECK      an insert takes the first empty slot without looking for the
 *                         key's own slot first
 *   BUG_NO_FALLBACK       a lookup that met its key's frozen slot in A and finds no slot
 *                         of it in B returns "absent" instead of the frozen slot's state
 *
 * Scope: one stripe, one migration (A -> B; B is never migrated, so M3's chained
 * migrations are not covered), a migrator, one writer (two with -DWRITERS=2) making up to
 * two writes on keys 1 and 2, and a reader looking both up, a pool large
 * enough that no insert runs out (M5's exhaustion is not covered; a lost append's bucket
 * is simply dropped, where the code pushes it on the free stack).
 */

#define SLOTS 2          /* slots per bucket */
#define BUCKETS 4        /* per table: bucket 0 is the head, 1.. are the pool */
#define TABLES 2         /* A = 0, B = 1 */
#define KEYS 3           /* keys 1 .. KEYS-1... keys are 1 and 2 */
#ifndef WRITERS
#define WRITERS 1        /* writer processes: 1 (CI, exhaustive in seconds) or 2 (-DWRITERS=2: not exhausted) */
#endif
#define NPROC (3 + WRITERS) /* process ids: init, the migrator, the writers, the reader */

#define SI(t, b, i) (((t) * BUCKETS + (b)) * SLOTS + (i))
#define BI(t, b) ((t) * BUCKETS + (b))

byte key[TABLES * BUCKETS * SLOTS];
bit live[TABLES * BUCKETS * SLOTS];
bit frozen[TABLES * BUCKETS * SLOTS];
byte val[TABLES * BUCKETS * SLOTS];
byte link[TABLES * BUCKETS];      /* 0: null, else the next bucket's index */
bit linkFrozen[TABLES * BUCKETS];
byte poolUsed[TABLES];
bit migrated[TABLES];             /* the head bucket's migrated flag */
byte successor[TABLES];           /* 0: none, else table + 1 */
byte current;                     /* the stripe's table word */

byte ghost[KEYS];                 /* the abstract map: 0 = absent */
byte seen[NPROC];                 /* values the ghost held for obsKey during the op */
byte obsKey[NPROC];

/* Every process's scratch variables (Promela inlines have no locals of their own). */
#define LOCALS \
    byte gp, tb, ti, tn; \
    byte cb, ci, ck, cl, cfr, cfresh, cnext; bit clf, cdone; \
    byte mu, mb, mi, mk, mv, mnext; bit ml, mf, mwon; \
    byte ut, ub, ui, uk, uv, unext, ufresh; bit ul, uf, ulf, udone; \
    byte rt, rb, ri, rk, rv, rnext; bit rl, rf, rlf, rdone; \
    byte lt, lb, li, lk, lv, lnext, fallback; bit ll, lf, llf, ldone

inline ghostSet(k, v) {
    ghost[k] = v;
    gp = 0;
    do
    :: gp < NPROC -> if :: obsKey[gp] == k -> seen[gp] = seen[gp] | (1 << v) :: else fi; gp++
    :: else -> break
    od;
    gp = 0
}

inline observe(k) { atomic { obsKey[_pid] = k; seen[_pid] = 1 << ghost[k] } }
inline checkRead(r) { atomic { assert(seen[_pid] & (1 << r)); obsKey[_pid] = 0; seen[_pid] = 0 } }

/* T2: at most one USED slot of k in table t (called inside the filling step). */
inline checkT2(t, k) {
    tb = 0; tn = 0;
    do
    :: tb < BUCKETS ->
        ti = 0;
        do
        :: ti < SLOTS -> if :: key[SI(t, tb, ti)] == k -> tn++ :: else fi; ti++
        :: else -> break
        od;
        tb++
    :: else -> break
    od;
    assert(tn <= 1);
    tb = 0; ti = 0; tn = 0
}

/* A pool bucket of table t, or an assertion failure if the pool is too small. */
inline allocate(t, fresh) {
    atomic { poolUsed[t]++; fresh = poolUsed[t]; assert(fresh < BUCKETS) }
}

/* copy(k, v) into table u: insert-if-absent where a slot of k in any state is present;
 * gives up at a frozen slot or link (B is never frozen here). */
inline copy(k, v, u) {
    cb = 0; ci = 0; cdone = 0;
    do
    :: cdone -> break
    :: else ->
        atomic { ck = key[SI(u, cb, ci)]; cl = live[SI(u, cb, ci)]; cfr = frozen[SI(u, cb, ci)] }
        if
        :: cfr -> cdone = 1
        :: !cfr && ck == 0 ->
            atomic {
                if
                :: key[SI(u, cb, ci)] == 0 && !frozen[SI(u, cb, ci)] ->
                    key[SI(u, cb, ci)] = k; live[SI(u, cb, ci)] = 1; val[SI(u, cb, ci)] = v;
                    checkT2(u, k); cdone = 1
                :: else
                fi
            }
#ifdef BUG_COPY_REVIVES
        :: !cfr && ck == k && cl -> cdone = 1
        :: !cfr && ck != 0 && !(ck == k && cl) ->
#else
        :: !cfr && ck == k -> cdone = 1
        :: !cfr && ck != 0 && ck != k ->
#endif
            ci++;
            if
            :: ci == SLOTS ->
                atomic { cnext = link[BI(u, cb)]; clf = linkFrozen[BI(u, cb)] }
                if
                :: clf -> cdone = 1
                :: !clf && cnext == 0 ->
                    allocate(u, cfresh);
                    key[SI(u, cfresh, 0)] = k; live[SI(u, cfresh, 0)] = 1; val[SI(u, cfresh, 0)] = v;
                    atomic {
                        if
                        :: link[BI(u, cb)] == 0 && !linkFrozen[BI(u, cb)] ->
                            link[BI(u, cb)] = cfresh; checkT2(u, k); cdone = 1
                        :: else ->
                            key[SI(u, cfresh, 0)] = 0; live[SI(u, cfresh, 0)] = 0; val[SI(u, cfresh, 0)] = 0
                        fi
                    }
                    ci = SLOTS  /* look at the link again */
                :: !clf && cnext != 0 -> cb = cnext; ci = 0
                fi;
                if :: ci == SLOTS -> ci = SLOTS - 1 :: else fi  /* re-read via the slot loop */
            :: else
            fi
        fi
    od
}

/* migrateBucket(head of t) into t's successor, then the count (one head bucket: the flag's
 * winner publishes). Returns nothing; idempotent. */
inline migrate(t) {
    mu = successor[t] - 1; mb = 0; mi = 0; mwon = 0;
    if
    :: migrated[t] -> skip
    :: else ->
        /* freeze in chain order */
        do
        :: true ->
            mi = 0;
            do
            :: mi < SLOTS ->
                do
#ifdef BUG_FREEZE_SKIPS
                :: mi == SLOTS - 1 -> break
                :: mi != SLOTS - 1 ->
#else
                :: true ->
#endif
                    atomic { mk = key[SI(t, mb, mi)]; ml = live[SI(t, mb, mi)]; mf = frozen[SI(t, mb, mi)] }
                    if :: mf -> break :: else fi;
                    mv = val[SI(t, mb, mi)];
                    atomic {
                        if
                        :: key[SI(t, mb, mi)] == mk && live[SI(t, mb, mi)] == ml && !frozen[SI(t, mb, mi)] && val[SI(t, mb, mi)] == mv -> frozen[SI(t, mb, mi)] = 1
                        :: else
                        fi
                    }
                od;
                mi++
            :: else -> break
            od;
            atomic { linkFrozen[BI(t, mb)] = 1; mnext = link[BI(t, mb)] }  /* CAS loop: sets the bit */
            if :: mnext == 0 -> break :: else -> mb = mnext fi
        od;
        /* copy every frozen live slot */
        mb = 0;
        do
        :: true ->
            mi = 0;
            do
            :: mi < SLOTS ->
                atomic { mk = key[SI(t, mb, mi)]; ml = live[SI(t, mb, mi)] }
                if
                :: ml -> mv = val[SI(t, mb, mi)]; copy(mk, mv, mu)
                :: else
                fi;
                mi++
            :: else -> break
            od;
            mnext = link[BI(t, mb)];
            if :: mnext == 0 -> break :: else -> mb = mnext fi
        od;
        /* flag, count, publish */
        atomic { if :: !migrated[t] -> migrated[t] = 1; mwon = 1 :: else fi }
        if
        :: mwon -> atomic { if :: current == t -> current = mu :: else fi }
        :: else
        fi
    fi
}

/* updateValue(v, forKey: k): returns the old value (0: absent). */
inline upsert(k, v, res) {
    ut = current; ub = 0; ui = 0; udone = 0;
    do
    :: udone -> break
    :: else ->
        atomic { uk = key[SI(ut, ub, ui)]; ul = live[SI(ut, ub, ui)]; uf = frozen[SI(ut, ub, ui)] }
        if
        :: uf -> migrate(ut); ut = successor[ut] - 1; ub = 0; ui = 0
#ifdef BUG_NO_DUP_CHECK
        :: false ->
#else
        :: !uf && uk == k ->
#endif
            /* the key's slot: CAS (k, ul, 0, uv) -> (k, 1, 0, v) */
            uv = val[SI(ut, ub, ui)];
            atomic {
                if
                :: key[SI(ut, ub, ui)] == k && live[SI(ut, ub, ui)] == ul && !frozen[SI(ut, ub, ui)] && val[SI(ut, ub, ui)] == uv ->
                    if
                    :: ul -> assert(ghost[k] == uv); res = uv
                    :: else -> assert(ghost[k] == 0); res = 0
                    fi;
                    live[SI(ut, ub, ui)] = 1; val[SI(ut, ub, ui)] = v; ghostSet(k, v); udone = 1
                :: else   /* changed or frozen: look again */
                fi
            }
        :: !uf && uk == 0 ->
            /* no slot of the key before this one (T2, T3): insert here */
            atomic {
                if
                :: key[SI(ut, ub, ui)] == 0 && !frozen[SI(ut, ub, ui)] ->
                    assert(ghost[k] == 0); res = 0;
                    key[SI(ut, ub, ui)] = k; live[SI(ut, ub, ui)] = 1; val[SI(ut, ub, ui)] = v;
                    checkT2(ut, k); ghostSet(k, v); udone = 1
                :: else
                fi
            }
#ifdef BUG_NO_DUP_CHECK
        :: !uf && uk != 0 ->
#else
        :: !uf && uk != 0 && uk != k ->
#endif
            ui++;
            if
            :: ui == SLOTS ->
                atomic { unext = link[BI(ut, ub)]; ulf = linkFrozen[BI(ut, ub)] }
                if
                :: ulf -> migrate(ut); ut = successor[ut] - 1; ub = 0; ui = 0
                :: !ulf && unext != 0 -> ub = unext; ui = 0
                :: !ulf && unext == 0 ->
                    allocate(ut, ufresh);
                    key[SI(ut, ufresh, 0)] = k; live[SI(ut, ufresh, 0)] = 1; val[SI(ut, ufresh, 0)] = v;
                    atomic {
                        if
                        :: link[BI(ut, ub)] == 0 && !linkFrozen[BI(ut, ub)] ->
                            assert(ghost[k] == 0); res = 0;
                            link[BI(ut, ub)] = ufresh; checkT2(ut, k); ghostSet(k, v); udone = 1
                        :: else ->
                            key[SI(ut, ufresh, 0)] = 0; live[SI(ut, ufresh, 0)] = 0; val[SI(ut, ufresh, 0)] = 0
                        fi
                    }
                    ui = SLOTS - 1   /* not done: re-read the link through the slot loop */
                fi
            :: else
            fi
        fi
    od
}

/* removeValue(forKey: k): returns the removed value (0: absent). */
inline remove(k, res) {
    rt = current; rb = 0; ri = 0; rdone = 0;
    observe(k);
    do
    :: rdone -> break
    :: else ->
        atomic { rk = key[SI(rt, rb, ri)]; rl = live[SI(rt, rb, ri)]; rf = frozen[SI(rt, rb, ri)] }
        if
        :: rf -> migrate(rt); rt = successor[rt] - 1; rb = 0; ri = 0
        :: !rf && rk == 0 -> res = 0; rdone = 1           /* absent: LP this load */
        :: !rf && rk == k && !rl -> res = 0; rdone = 1     /* tombstone: absent */
        :: !rf && rk == k && rl ->
            rv = val[SI(rt, rb, ri)];
            atomic {
                if
                :: key[SI(rt, rb, ri)] == k && live[SI(rt, rb, ri)] && !frozen[SI(rt, rb, ri)] && val[SI(rt, rb, ri)] == rv ->
                    assert(ghost[k] == rv); res = rv; live[SI(rt, rb, ri)] = 0; ghostSet(k, 0); rdone = 1
                :: else
                fi
            }
        :: !rf && rk != 0 && rk != k ->
            ri++;
            if
            :: ri == SLOTS ->
                atomic { rnext = link[BI(rt, rb)]; rlf = linkFrozen[BI(rt, rb)] }
                if
                :: rlf -> migrate(rt); rt = successor[rt] - 1; rb = 0; ri = 0
                :: !rlf && rnext != 0 -> rb = rnext; ri = 0
                :: !rlf && rnext == 0 -> res = 0; rdone = 1  /* absent */
                fi
            :: else
            fi
        fi
    od;
    if :: res == 0 -> checkRead(0) :: else -> atomic { obsKey[_pid] = 0; seen[_pid] = 0 } fi
}

/* value(forKey: k): 0 if absent. Falls back through frozen slots (DESIGN.md, "Reads"). */
inline lookup(k, res) {
    lt = current; lb = 0; li = 0; fallback = 0; ldone = 0;
    observe(k);
    do
    :: ldone -> break
    :: else ->
        atomic { lk = key[SI(lt, lb, li)]; ll = live[SI(lt, lb, li)]; lf = frozen[SI(lt, lb, li)] }
        if
        :: lk == 0 ->  /* missing here */
            if
            :: lf -> lt = successor[lt] - 1; lb = 0; li = 0
#ifdef BUG_NO_FALLBACK
            :: !lf -> res = 0; ldone = 1
#else
            :: !lf -> res = fallback; ldone = 1
#endif
            fi
        :: lk == k ->
            lv = val[SI(lt, lb, li)];
            if
            :: !lf -> res = (ll -> lv : 0); ldone = 1
            :: lf -> fallback = (ll -> lv : 0); lt = successor[lt] - 1; lb = 0; li = 0
            fi
        :: lk != 0 && lk != k ->
            li++;
            if
            :: li == SLOTS ->
                atomic { lnext = link[BI(lt, lb)]; llf = linkFrozen[BI(lt, lb)] }
                if
                :: lnext != 0 -> lb = lnext; li = 0
#ifdef BUG_NO_FALLBACK
                :: lnext == 0 && !llf -> res = 0; ldone = 1
#else
                :: lnext == 0 && !llf -> res = fallback; ldone = 1
#endif
                :: lnext == 0 && llf -> lt = successor[lt] - 1; lb = 0; li = 0
                fi
            :: else
            fi
        fi
    od;
    checkRead(res)
}

proctype Migrator() {
    LOCALS;
    atomic { if :: successor[0] == 0 -> successor[0] = 2 :: else fi }  /* U1: install B */
    migrate(0)
}

/* Writer p: one or two writes on key 1 or 2, with its own values. */
proctype Writer(byte first; byte second) {
    LOCALS;
    byte res, k;
    if :: k = 1 :: k = 2 fi;
    if
    :: upsert(k, first, res)
    :: remove(k, res)
    fi;
    if :: k = 1 :: k = 2 fi;
    if
    :: upsert(k, second, res)
    :: remove(k, res)
    :: skip
    fi
}

proctype Reader() {
    LOCALS;
    byte res;
    lookup(1, res);
    lookup(2, res)
}

init {
    /* A: key 1 -> 1 in the head bucket's slot 0, key 2 -> 2 in slot 1 (the head is full:
     * a third insert appends), so that inserts also race with the link's freeze. */
    atomic {
        key[SI(0, 0, 0)] = 1; live[SI(0, 0, 0)] = 1; val[SI(0, 0, 0)] = 1;
        key[SI(0, 0, 1)] = 2; live[SI(0, 0, 1)] = 1; val[SI(0, 0, 1)] = 2;
        ghost[1] = 1; ghost[2] = 2; current = 0;
        run Migrator(); run Writer(3, 4);
#if WRITERS > 1
        run Writer(5, 6);
#endif
        run Reader()
    }
    (_nr_pr == 1);
    /* At the end: the migration is done (the migrator finished it) and the current table
     * holds exactly the ghost map. */
    assert(current == 1);
    byte k = 1, b, i, found;
    do
    :: k < KEYS ->
        found = 0; b = 0;
        do
        :: b < BUCKETS ->
            i = 0;
            do
            :: i < SLOTS -> if :: key[SI(1, b, i)] == k && live[SI(1, b, i)] -> found = val[SI(1, b, i)] :: else fi; i++
            :: else -> break
            od;
            b++
        :: else -> break
        od;
        assert(found == ghost[k]);
        k++
    :: else -> break
    od
}
