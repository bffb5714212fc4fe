#ifndef LIME_CPREFETCH_H
#define LIME_CPREFETCH_H

/// Asks the CPU to bring the cache line holding `address` towards the core, without
/// waiting for it: a prefetch retires at once, so many misses can be in flight while
/// the code goes on (a load feeding a dummy sum would hold the reorder buffer instead).
static inline void lime_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
