/* detente — server: the analysis endpoints (series, stability, watches,
 * reciprocity), each a thin wrapper over its module's JSON writer. */
#include "server_internal.h"

#include <string.h>

int dt__analysis_load(dt_server *s, const dt_server_opts *o, dt_error *err)
{
    (void)s;
    if (o->nregion_files || o->nwatch_files)
        return dt_error_set(err, DT_EUNSUPPORTED, NULL, 0, UINT64_MAX,
                            "--region and --watch are not supported by this build yet");
    return DT_OK;
}

void dt__analysis_free(dt_server *s)
{
    (void)s;
}

int dt__analysis_handle(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    (void)s;
    (void)q;
    (void)r;
    (void)cacheable;
    return 0;
}
