// What the map needs of the platform, checked when the package is compiled: 64-bit
// pointers and lock-free 64-bit and 16-byte atomics (x86-64 with `cmpxchg16b`, arm64).
// watchOS's arm64_32 has 32-bit pointers; the map's tagged table words and 58-bit
// hashes in pointer-sized slots assume 64.
#if !(arch(x86_64) || arch(arm64))
#error("LockFreeMap supports 64-bit x86-64 and arm64 only (not 32-bit targets such as arm64_32, armv7 or i386)")
#endif
