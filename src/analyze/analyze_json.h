/* detente — analyze: small JSON writing helpers shared by the modules that
 * write their documents straight to a FILE (series, stability,
 * reciprocity). Internal to src/analyze. */
#ifndef DT_ANALYZE_JSON_H
#define DT_ANALYZE_JSON_H

#include <stdio.h>

/* Write s as a JSON string: quotes and backslashes escaped, control
 * characters as \u00XX, every other byte as it is (s is UTF-8). */
void dt__json_put_str(FILE *f, const char *s);

#endif
