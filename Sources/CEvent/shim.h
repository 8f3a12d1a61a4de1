#ifndef COFFER_EVENT_SHIM_H
#define COFFER_EVENT_SHIM_H

/* glibc headers first: libevent's event-config.h defines _GNU_SOURCE, which would otherwise give
   fd_set a different member name here than in the OpenSSL module and break the module merge. */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <openssl/ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <event2/keyvalq_struct.h>

static inline int coffer_BEV_OPT_CLOSE_ON_FREE(void) {
    return BEV_OPT_CLOSE_ON_FREE;
}

static inline int coffer_BEV_OPT_CLOSE_ON_FREE_DEFER(void) {
    return BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
}

/* Walks an evkeyvalq without exposing the TAILQ macros to Swift. */
static inline struct evkeyval *coffer_evkeyvalq_first(struct evkeyvalq *headers) {
    return headers->tqh_first;
}

static inline struct evkeyval *coffer_evkeyval_next(struct evkeyval *header) {
    return header->next.tqe_next;
}

/* RFC 2253 subject formatting for peer certificates, keeping UTF-8 as UTF-8 rather than escaping it.
   The flag is a macro built from other macros, which Swift cannot import. */
static inline unsigned long coffer_XN_FLAG_RFC2253_UTF8(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}

#endif
