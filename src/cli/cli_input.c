/* Messages about input records shared by the commands that read documents. */
#include "cli.h"

#include "detente/reader.h"

int dt_cli_report_repair(const dt_doc *doc)
{
    if (!doc->repaired)
        return 0;
    char buf[1024];
    dt_error_format(&doc->repair, buf, sizeof buf);
    dt_cli_errorf("%s; %llu byte%s replaced by '?', the rest of the document was kept", buf,
                  (unsigned long long)doc->repaired, doc->repaired == 1 ? "" : "s");
    return 1;
}
