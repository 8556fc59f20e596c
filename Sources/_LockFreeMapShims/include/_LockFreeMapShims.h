#ifndef LOCKFREEMAP_SHIMS_H
#define LOCKFREEMAP_SHIMS_H
#include <stdint.h>
#endif
