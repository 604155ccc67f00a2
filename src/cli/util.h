/* util.h - helpers private to the cli module. */
#ifndef SOCKSCOPE_CLI_UTIL_H
#define SOCKSCOPE_CLI_UTIL_H

#include <stdbool.h>

/* The trailing words of a command line as one BPF expression (malloc'd), or NULL. */
char *cli_join_words(int count, char **words);
/* A positive decimal count (-c); false if the text is not one. */
bool cli_parse_count(const char *text, long *value);

#endif
