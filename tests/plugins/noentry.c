/* noentry.c: a shared object without cohort_plugin_entry(); the host must
 * refuse it with dlerror()'s message. */
int noentry_answer(void);
int noentry_answer(void)
{
    return 42;
}
