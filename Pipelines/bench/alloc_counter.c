/* Counts heap allocations for `lime bench train --check-alloc`.
 * Build: cc -O2 -shared -fPIC -o liballoc_counter.so alloc_counter.c
 * Run:   LD_PRELOAD=./liballoc_counter.so lime bench train ...
 * lime finds lime_alloc_count() with dlsym and reports allocations per training step. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static _Atomic uint64_t count;

void *malloc(size_t n) { count++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { count++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { count++; return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { count++; return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { count++; return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) {
    count++;
    *out = __libc_memalign(a, n);
    return *out ? 0 : ENOMEM;
}
uint64_t lime_alloc_count(void) { return count; }
