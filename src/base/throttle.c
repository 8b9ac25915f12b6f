/* throttle.c — the key of a client address for the failure limits (see throttle.h). */
#include "base/throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* IPv4 (also written IPv4-mapped, ::ffff:a.b.c.d) as it is, IPv6 as its /64 prefix,
 * since one client usually holds a whole /64 and could fail from a new address every
 * time; anything else (no address known) as it is. */
void throttle_addr_key(const char *kind, const char *client_addr, char *out, size_t size)
{
    struct in6_addr a6;
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET6, client_addr, &a6) != 1) {
        snprintf(out, size, "%s:%s", kind, client_addr);
        return;
    }
    if (IN6_IS_ADDR_V4MAPPED(&a6) && inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof text)) {
        snprintf(out, size, "%s:%s", kind, text);
        return;
    }
    memset(&a6.s6_addr[8], 0, 8);
    if (!inet_ntop(AF_INET6, &a6, text, sizeof text)) {
        snprintf(out, size, "%s:%s", kind, client_addr);
        return;
    }
    snprintf(out, size, "%s:%s/64", kind, text);
}
