/* asan_options.c: the AddressSanitizer defaults of a --enable-sanitizers
 * build of cohort (empty in a normal build).
 *
 * cohort loads libpq (and through it krb5, LDAP, GnuTLS) with dlopen, in
 * modules/pg.so.  glibc gives such libraries their thread-local storage
 * from malloc, one block per library, pointed to from the thread's DTV.
 * GCC 12's ASan follows those blocks itself by intercepting __tls_get_addr
 * and guesses a block's bounds from a header that glibc >= 2.25 no longer
 * writes when the block's address happens to be 16 bytes past a page: the
 * leak check at exit then reads a made-up range and dies ("Tracer caught
 * signal 11"), and the buffered output is lost.  Without the interceptor
 * LeakSanitizer still reaches those blocks, as heap blocks, through the
 * DTV, so no leak goes unseen. */
#if defined(__SANITIZE_ADDRESS__)
#define COHORT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COHORT_ASAN 1
#endif
#endif

#ifdef COHORT_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "intercept_tls_get_addr=0";
}
#else
typedef int asan_options_unused; /* ISO C: a translation unit declares something */
#endif
