#ifndef COFFER_POSTGRES_SHIM_H
#define COFFER_POSTGRES_SHIM_H

#include <libpq-fe.h>

/* PG_DIAG_* are character-literal macros, which Swift does not import as field codes. */
static inline int coffer_pg_diag_sqlstate(void) {
    return PG_DIAG_SQLSTATE;
}

static inline int coffer_pg_diag_message_primary(void) {
    return PG_DIAG_MESSAGE_PRIMARY;
}

#endif
