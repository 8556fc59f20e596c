// Out-of-line parts of the shim: the membarrier system call, the thread-local record
// slot and the process-wide words of the map's reclamation.
#define _GNU_SOURCE  // syscall() under -std=c11
#include "_LockFreeMapShims.h"

// MARK: - Reclamation support

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <errno.h>

_Thread_local uint64_t _lfm_thread_record = 0;
_Thread_local uint64_t _lfm_thread_noise = 0;

_Alignas(64) uint64_t _lfm_global_words_storage[LFM_GLOBAL_WORD_COUNT];


bool _lfm_membarrier_register(void) {
#if defined(__linux__) && defined(SYS_membarrier)
  long commands = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  if (commands < 0 || !(commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) return false;
  return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
  return false;
#endif
}

int _lfm_membarrier(void) {
#if defined(__linux__) && defined(SYS_membarrier)
  if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0) return 0;
  return errno != 0 ? errno : EINVAL;
#else
  return ENOSYS;
#endif
}

bool _lfm_built_with_tsan(void) {
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  return true;
#endif
#endif
#if defined(__SANITIZE_THREAD__)
  return true;
#endif
  return false;
}
