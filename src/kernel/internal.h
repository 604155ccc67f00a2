/*
 * internal.h - the kernel module's private functions.
 */
#ifndef SOCKSCOPE_KERNEL_INTERNAL_H
#define SOCKSCOPE_KERNEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* Makes room for one more item in a growing array (doubling, from `first`).
 * Returns false, leaving the array as it was, when out of memory. */
bool kernel_reserve(void **items, size_t *capacity, size_t count, size_t item_size, size_t first);

#endif
