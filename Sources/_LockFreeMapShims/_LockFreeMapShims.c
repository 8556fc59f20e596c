#include "_LockFreeMapShims.h"
